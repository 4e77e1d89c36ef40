import HarbourCore

/// The operator console's HTML (OPS-2), rendered on the server: the sign-in page, and the
/// dashboard with only the views the signed-in role may see (`GatewayCore.consoleSections`).
/// Numbers are never in the HTML: the page's script fills each view from the API's own JSON
/// and shows the decimal strings as sent. The page carries the session's CSRF token (a meta
/// tag) and the staff name and role, never the API key or its secret.
enum ConsolePage {
    /// Text made safe for HTML element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func document(title: String, body: String, csrf: String? = nil) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        \(csrf.map { "<meta name=\"csrf-token\" content=\"\(escape($0))\">" } ?? "")
        <title>\(escape(title))</title>
        <link rel="stylesheet" href="/console/assets/console.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        \(body)
        </body>
        </html>
        """
    }

    /// Why the sign-in page is shown again, by the code in `?reason=`.
    static let reasons: [String: String] = [
        "SESSION_EXPIRED": "Your session expired. Sign in again.",
        "SESSION_UNKNOWN": "You are signed out. Sign in again.",
        "SIGNED_OUT": "You are signed out.",
    ]

    /// The sign-in form; `error` is a refusal to show (code and message).
    static func signIn(error: ApiError? = nil, notice: String? = nil) -> String {
        var message = ""
        if let error {
            message = "<p class=\"error\" role=\"alert\" id=\"signin-error\"><strong>\(escape(error.code))</strong>: \(escape(error.message))</p>"
        } else if let notice {
            message = "<p class=\"notice\" role=\"status\">\(escape(notice))</p>"
        }
        return document(title: "Harbour console — sign in", body: """
            <main id="main" class="signin">
            <h1>Harbour operator console</h1>
            <p>Sign in with your staff API key (operations, risk, compliance or supervisor). The key is
            checked once and exchanged for a session; this page never keeps it.</p>
            \(message)
            <form method="post" action="/console/session" autocomplete="off">
            <p><label for="key">API key</label><br><input id="key" name="key" required autocomplete="off" spellcheck="false"></p>
            <p><label for="secret">Secret</label><br><input id="secret" name="secret" type="password" required autocomplete="off"></p>
            <p><button type="submit" id="signin">Sign in</button></p>
            </form>
            </main>
            """)
    }

    /// The dashboard for a signed-in staff member.
    static func dashboard(staff: String, role: Role, csrf: String, sections: [(section: ConsoleSection, actions: [String])],
                          reports: [(title: String, href: String)], symbols: [String], idleMillis: Int64) -> String {
        let idle = idleMillis % 60_000 == 0 ? "\(idleMillis / 60_000) minutes" : "\(idleMillis / 1000) seconds"
        let options = symbols.map { "<option value=\"\(escape($0))\">\(escape($0))</option>" }.joined()
        var views = ""
        for (section, actions) in sections {
            views += """
                <section id="\(section.id)" class="view" aria-labelledby="\(section.id)-title" data-view="\(section.id)" data-actions="\(escape(actions.joined(separator: " ")))">
                <h2 id="\(section.id)-title">\(escape(section.title))</h2>
                <p class="summary">\(escape(section.summary))</p>
                <div class="content" id="\(section.id)-content" aria-live="polite">\(section.reads.isEmpty ? "<p class=\"na\">Not available: financing is not wired into the venue yet.</p>" : "<p class=\"loading\">Loading…</p>")</div>
                </section>

                """
        }
        let links = reports.map { "<li><a href=\"\(escape($0.href))\">\(escape($0.title))</a></li>" }.joined()
        let nav = sections.map { "<li><a href=\"#\($0.section.id)\">\(escape($0.section.title))</a></li>" }.joined()
        return document(title: "Harbour console — \(role.rawValue)", body: """
            <header>
            <h1>Harbour operator console</h1>
            <p id="who">Signed in as <strong id="staff-name">\(escape(staff))</strong>, role <strong id="staff-role">\(escape(role.rawValue))</strong>.
            Sessions end after \(idle) idle.</p>
            <form method="post" action="/console/session/end" id="signout-form"><button type="submit" id="signout">Sign out</button></form>
            <p><label for="symbol">Instrument</label> <select id="symbol">\(options)</select>
            <span id="connection" role="status">connecting…</span> <span id="risk-stream" role="status"></span></p>
            <nav aria-label="Views"><ul>\(nav)<li><a href="#reports">Reports</a></li></ul></nav>
            </header>
            <main id="main" data-role="\(escape(role.rawValue))">
            <p id="problem" class="error" role="alert" hidden></p>
            \(views)
            <section id="reports" class="view" aria-labelledby="reports-title">
            <h2 id="reports-title">Reports</h2>
            <ul>\(links)</ul>
            </section>
            </main>
            <script src="/console/assets/console.js"></script>
            """, csrf: csrf)
    }
}
