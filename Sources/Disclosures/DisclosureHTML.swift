/// Renders a disclosure's Markdown (the subset the generator writes: headings, paragraphs,
/// lists, tables, code blocks) as a self-contained HTML page a person can read and print.
public enum DisclosureHTML {
    public static func page(_ markdown: String, title: String, footer: String) -> String {
        var html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(title))</title>\n"
        html += "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;color:#111}"
        html += "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:.25em .6em;text-align:left}"
        html += "pre{background:#f4f4f4;padding:1em;overflow-x:auto;font-size:12px}footer{color:#555;margin-top:3em}</style>\n</head><body>\n"
        var inTable = false, inCode = false, inList = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                html += inCode ? "</pre>\n" : "<pre>"
                inCode.toggle()
                continue
            }
            if inCode { html += escape(line) + "\n"; continue }
            if inTable && !line.hasPrefix("|") { html += "</table>\n"; inTable = false }
            if inList && !line.hasPrefix("- ") { html += "</ul>\n"; inList = false }
            if line.hasPrefix("|") {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingSpaces }
                if cells.allSatisfy({ $0.allSatisfy { $0 == "-" } }) { continue }
                html += inTable ? "<tr>" + cells.map { "<td>\(inline($0))</td>" }.joined() + "</tr>\n"
                                : "<table><tr>" + cells.map { "<th>\(inline($0))</th>" }.joined() + "</tr>\n"
                inTable = true
            } else if line.hasPrefix("### ") { html += "<h3>\(inline(String(line.dropFirst(4))))</h3>\n" }
            else if line.hasPrefix("## ") { html += "<h2>\(inline(String(line.dropFirst(3))))</h2>\n" }
            else if line.hasPrefix("# ") { html += "<h1>\(inline(String(line.dropFirst(2))))</h1>\n" }
            else if line.hasPrefix("- ") {
                if !inList { html += "<ul>\n"; inList = true }
                html += "<li>\(inline(String(line.dropFirst(2))))</li>\n"
            } else if !line.isEmpty { html += "<p>\(inline(line))</p>\n" }
        }
        if inTable { html += "</table>\n" }
        if inList { html += "</ul>\n" }
        return html + "<footer>\(escape(footer))</footer>\n</body></html>\n"
    }

    /// `**bold**` and `` `code` `` inside a line, after escaping.
    static func inline(_ text: String) -> String {
        var out = ""
        var bold = false, code = false
        var chars = Array(escape(text))
        var index = 0
        while index < chars.count {
            if !code, index + 1 < chars.count, chars[index] == "*", chars[index + 1] == "*" {
                out += bold ? "</strong>" : "<strong>"
                bold.toggle()
                index += 2
                continue
            }
            if chars[index] == "`" { out += code ? "</code>" : "<code>"; code.toggle(); index += 1; continue }
            out.append(chars[index])
            index += 1
        }
        chars.removeAll()
        return out
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
