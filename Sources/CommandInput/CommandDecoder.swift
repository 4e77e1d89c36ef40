import Engine
import HarbourCore

/// Turns one line of the `harbour replay` format (../shared/REPLAY-FORMAT.md) into its
/// timestamp and engine `Command`: the replay client of `CommandBuilder`, which builds
/// the commands of `/v1`, WebSocket and `/fapi` by the same table.
///
/// Two kinds of failure: a line that is not a strict JSON object with a known `type` and
/// an integer `ts` is *malformed* (thrown: the caller reports it and the engine never
/// sees it); a well-formed command with a bad field (unknown account, number off tick,
/// wrong JSON type) becomes `Command.invalid`, so the engine answers it with a
/// `rejected` event naming the problem. Money, prices and sizes must be decimal strings:
/// a JSON number there is refused, because it may already have passed through floating point.
public struct CommandDecoder {
    /// Why a line could not be read as a command at all.
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    public init() {}

    public func decode(line: String, engine: any CommandNames) throws(Malformed) -> (timestamp: Int64, command: Command) {
        // Strict: a byte-order mark, duplicate keys or anything but one object is malformed.
        let object: [String: Any]
        do { object = try StrictJSON.object(line) } catch { throw Malformed(description: "the line " + String(describing: error)) }
        return try decode(fields: CommandFields(json: object), engine: engine)
    }

    /// The timestamp and command of a line's typed fields.
    public func decode(fields: CommandFields, engine: any CommandNames) throws(Malformed) -> (timestamp: Int64, command: Command) {
        guard let typeName = fields.text("type") else { throw Malformed(description: "missing string field 'type'") }
        guard case .integer(let timestamp)? = fields["ts"] else {
            throw Malformed(description: "missing integer field 'ts' (milliseconds since the epoch)")
        }
        guard let type = CommandType(rawValue: typeName) else { throw Malformed(description: "unknown command type '\(typeName)'") }
        do {
            return (timestamp, try CommandBuilder(names: engine).build(type, fields))
        } catch {
            // A refusal echoes the command's clientOrderId only when it is a well-formed one.
            let echoed = type == .placeOrder ? fields.text("clientOrderId").flatMap { ClientOrderIdFormat.isValid($0) ? $0 : nil } : nil
            return (timestamp, .invalid(error, clientOrderId: echoed))
        }
    }
}
