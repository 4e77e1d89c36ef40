/// Loans sorted by a trigger price, in blocks (the shape of the engine's
/// `LiquidationIndex.Side`): insert and remove cost O(log n + block), and a price move
/// reads only the entries it crosses.
struct TriggerList: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var price: Int64
        var loan: Int64
        static func precedes(_ a: Entry, _ b: Entry) -> Bool { a.price != b.price ? a.price < b.price : a.loan < b.loan }
    }

    static let maxBlock = 512
    /// Non-empty, each ascending, blocks in order.
    private(set) var blocks: [[Entry]] = []
    private(set) var count = 0

    var entries: [Entry] { blocks.flatMap { $0 } }

    private func block(for entry: Entry) -> Int {
        var low = 0, high = blocks.count
        while low < high {
            let mid = (low + high) / 2
            if Entry.precedes(blocks[mid][blocks[mid].count - 1], entry) { low = mid + 1 } else { high = mid }
        }
        return min(low, blocks.count - 1)
    }

    private static func position(of entry: Entry, in entries: [Entry]) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if Entry.precedes(entries[mid], entry) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    mutating func insert(_ entry: Entry) {
        count += 1
        if blocks.isEmpty { blocks.append([entry]); return }
        let index = block(for: entry)
        blocks[index].insert(entry, at: Self.position(of: entry, in: blocks[index]))
        if blocks[index].count > Self.maxBlock {
            let upper = Array(blocks[index][(Self.maxBlock / 2)...])
            blocks[index].removeLast(blocks[index].count - Self.maxBlock / 2)
            blocks.insert(upper, at: index + 1)
        }
    }

    mutating func remove(_ entry: Entry) {
        guard !blocks.isEmpty else { return }
        let index = block(for: entry)
        let position = Self.position(of: entry, in: blocks[index])
        guard position < blocks[index].count, blocks[index][position] == entry else { return }
        blocks[index].remove(at: position)
        count -= 1
        if blocks[index].isEmpty { blocks.remove(at: index) }
    }

    /// Loans of the entries with price ≥ `price`, highest first.
    func atOrAbove(_ price: Int64, into out: inout [Int64]) {
        for index in blocks.indices.reversed() {
            let block = blocks[index]
            var position = block.count - 1
            while position >= 0, block[position].price >= price { out.append(block[position].loan); position -= 1 }
            if position >= 0 { return }
        }
    }

    /// Loans of the entries with price ≤ `price`, lowest first.
    func atOrBelow(_ price: Int64, into out: inout [Int64]) {
        for block in blocks {
            for entry in block {
                if entry.price > price { return }
                out.append(entry.loan)
            }
        }
    }
}
