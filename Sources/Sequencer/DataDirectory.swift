import Foundation

/// The layout of a venue's data directory: `journal/` (segments), `snapshots/`, and
/// `checkpoint.txt`; read models live in `readmodel.sqlite` beside them.
public struct DataDirectory: Sendable {
    public let root: URL
    public var journal: URL { root.appendingPathComponent("journal") }
    public var snapshots: URL { root.appendingPathComponent("snapshots") }
    public var readModel: URL { root.appendingPathComponent("readmodel.sqlite") }

    public init(root: URL) throws {
        self.root = root
        for d in [root, root.appendingPathComponent("journal"), root.appendingPathComponent("snapshots")] {
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        }
    }
}
