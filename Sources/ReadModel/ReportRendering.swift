import Foundation

/// The three forms of every report (REG-3): CSV (RFC 4180, a header row, the summary after a
/// blank line as name,value), JSON (one object: report, title, date, toDate, window, rows as objects
/// keyed by column, summary, notes) and a printable HTML page with the report's charts as inline SVG. Pure string building; values are the
/// exact decimal strings of the table, never reformatted.
public enum ReportFormat: String, Sendable, CaseIterable {
    case csv, json, html

    public func render(_ t: ReportTable) -> String {
        switch self {
        case .csv: return Self.csv(t)
        case .json: return Self.json(t)
        case .html: return Self.html(t)
        }
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func csv(_ t: ReportTable) -> String {
        var out = t.columns.map(csvField).joined(separator: ",") + "\r\n"
        for r in t.rows { out += r.map(csvField).joined(separator: ",") + "\r\n" }
        out += "\r\n"
        for f in t.summary { out += csvField(f.name) + "," + csvField(f.value) + "\r\n" }
        return out
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func json(_ t: ReportTable) -> String {
        var out = "{\"report\":\(jsonString(t.name)),\"title\":\(jsonString(t.title)),\"date\":\(jsonString(t.day.date))"
        out += ",\"toDate\":\(jsonString(t.day.lastDate))"
        out += ",\"utcOffsetMinutes\":\(t.day.utcOffsetMinutes),\"fromTs\":\(t.day.fromTs),\"toTs\":\(t.day.toTs),\"rows\":["
        out += t.rows.map { r in
            "{" + zip(t.columns, r).map { "\(jsonString($0)):\(jsonString($1))" }.joined(separator: ",") + "}"
        }.joined(separator: ",")
        out += "],\"summary\":{" + t.summary.map { "\(jsonString($0.name)):\(jsonString($0.value))" }.joined(separator: ",") + "}"
        out += ",\"notes\":[" + t.notes.map(jsonString).joined(separator: ",") + "]}\n"
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func html(_ t: ReportTable) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(t.title)) — \(escape(t.day.label))</title>\n"
        out += "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25em .6em}"
        out += "td.n{text-align:right;font-variant-numeric:tabular-nums}figure.chart{margin:1em 0}figcaption{font-weight:bold}"
        out += "@media print{body{margin:0}}</style></head><body>\n"
        out += "<h1>\(escape(t.title))</h1>\n<p>\(t.day.isRange ? "Business days" : "Business day") \(escape(t.day.label)) (UTC\(t.day.utcOffsetMinutes >= 0 ? "+" : "-")"
        out += "\(abs(t.day.utcOffsetMinutes) / 60)h\(abs(t.day.utcOffsetMinutes) % 60 == 0 ? "" : "\(abs(t.day.utcOffsetMinutes) % 60)m")), "
        out += "command time \(t.day.fromTs) ≤ ts &lt; \(t.day.toTs) ms.</p>\n"
        for chart in t.charts { out += chart.svg(utcOffsetMinutes: t.day.utcOffsetMinutes) }
        out += "<table><thead><tr>" + t.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for r in t.rows {
            out += "<tr>" + r.map { v in (DecimalText(v) != nil ? "<td class=\"n\">" : "<td>") + escape(v) + "</td>" }.joined() + "</tr>\n"
        }
        if t.rows.isEmpty { out += "<tr><td colspan=\"\(t.columns.count)\">none</td></tr>\n" }
        out += "</tbody></table>\n<h2>Summary</h2>\n<table><tbody>\n"
        for f in t.summary { out += "<tr><th>\(escape(f.name))</th><td class=\"n\">\(escape(f.value))</td></tr>\n" }
        out += "</tbody></table>\n"
        for note in t.notes { out += "<p class=\"note\">\(escape(note))</p>\n" }
        out += "</body></html>\n"
        return out
    }
}
