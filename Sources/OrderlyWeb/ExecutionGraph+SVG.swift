import Foundation
import StatesLanguage

extension ExecutionGraph {
    /// The machine as an SVG picture; with `runs`, each state coloured and labelled by how it fared, and a link to its
    /// row in the table of states (`#` + ``anchor(_:)``).
    static func svg(_ machine: StateMachine, runs: StateRuns?, title: String) -> String {
        let block = layout(machine)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 \(Int(block.width.rounded(.up))) \
            \(Int(block.height.rounded(.up)))" width="\(Int(block.width.rounded(.up)))" \
            height="\(Int(block.height.rounded(.up)))" role="group" aria-label="\(SVGText.escape(title))">
            <title>\(SVGText.escape(title))</title>
            <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#404040"/></marker>
            <marker id="arrow-caught" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#a35200"/></marker>
            </defs>

            """
        draw(block, dx: 0, dy: 0, runs: runs, into: &svg)
        return svg + "</svg>"
    }

    /// The fragment id of a state's row: its name with every character other than a letter or digit spelled as hex.
    static func anchor(_ name: String) -> String {
        "state-"
            + name.unicodeScalars.map {
                ($0.properties.isAlphabetic || ("0"..."9").contains($0)) && $0.isASCII
                    ? String($0) : "_" + String($0.value, radix: 16)
            }.joined()
    }

    /// The CSS class of a state's status.
    static func cssClass(_ status: StateRuns.Status) -> String {
        switch status {
        case .notRun: "not-run"
        case .running: "running"
        case .succeeded: "succeeded"
        case .caught: "caught"
        case .failed: "failed"
        }
    }

    private static func draw(_ block: Block, dx: Double, dy: Double, runs: StateRuns?, into svg: inout String) {
        let boxes = Dictionary(block.boxes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for arrow in block.arrows {
            guard let from = boxes[arrow.from], let to = boxes[arrow.to] else { continue }
            let path: String
            if to.y > from.y {
                let (x1, y1) = (dx + from.x + from.width / 2, dy + from.y + from.height)
                let (x2, y2) = (dx + to.x + to.width / 2, dy + to.y)
                let middle = (y1 + y2) / 2
                path = "M\(n(x1)),\(n(y1)) C\(n(x1)),\(n(middle)) \(n(x2)),\(n(middle)) \(n(x2)),\(n(y2))"
            } else {
                // Back up the page (a loop): around the right-hand side.
                let (x1, y1) = (dx + from.x + from.width, dy + from.y + from.height / 2)
                let (x2, y2) = (dx + to.x + to.width, dy + to.y + to.height / 2)
                let bulge = max(x1, x2) + 50
                path = "M\(n(x1)),\(n(y1)) C\(n(bulge)),\(n(y1)) \(n(bulge)),\(n(y2)) \(n(x2)),\(n(y2))"
            }
            svg +=
                arrow.caught
                ? "<path class=\"edge caught\" d=\"\(path)\" marker-end=\"url(#arrow-caught)\"/>\n"
                : "<path class=\"edge\" d=\"\(path)\" marker-end=\"url(#arrow)\"/>\n"
        }
        for box in block.boxes {
            let run = runs?[box.name]
            let status = run?.status ?? .notRun
            var meta = box.type
            if runs != nil {
                meta += " · " + status.rawValue
                if let run, let entered = run.entered, let exited = run.exited {
                    meta += " · " + Durations.text(exited.timeIntervalSince(entered))
                }
            }
            let x = dx + box.x
            let y = dy + box.y
            svg += """
                <a href="#\(anchor(box.name))"><g class="state \(runs == nil ? "plain" : cssClass(status))">\
                <title>\(SVGText.escape(box.name)): \(SVGText.escape(meta))</title>\
                <rect x="\(n(x))" y="\(n(y))" width="\(n(box.width))" height="\(n(box.height))" rx="6"/>\
                <text x="\(n(x + box.width / 2))" y="\(n(y + 18))" class="name">\(SVGText.escape(box.name))</text>\
                <text x="\(n(x + box.width / 2))" y="\(n(y + 34))" class="meta">\(SVGText.escape(meta))</text>\
                </g></a>

                """
            var innerX =
                x
                + (box.width - box.inner.reduce(0) { $0 + $1.width }
                    - Double(max(box.inner.count - 1, 0)) * columnGap) / 2
            for inner in box.inner {
                svg +=
                    "<rect class=\"branch\" x=\"\(n(innerX))\" y=\"\(n(y + boxHeight))\" width=\"\(n(inner.width))\" "
                    + "height=\"\(n(inner.height))\" rx=\"4\"/>\n"
                draw(inner, dx: innerX, dy: y + boxHeight, runs: runs, into: &svg)
                innerX += inner.width + columnGap
            }
        }
    }

    private static func n(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Escaping for text and attribute values in SVG and HTML written by hand.
enum SVGText {
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// Elapsed times as people read them.
enum Durations {
    static func text(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }
}

/// JSON text indented for reading, keys sorted.
enum PrettyJSON {
    static func text(_ value: JSON, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .array(let items) where !items.isEmpty:
            return "[\n" + items.map { inner + text($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members) where !members.isEmpty:
            return "{\n"
                + members.keys.sorted().map {
                    inner + JSON.string($0).serialized() + ": " + text(members[$0]!, indent: inner)
                }.joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return value.serialized()
        }
    }
}
