import Foundation

/// Bar charts drawn as SVG on the server. Each bar carries its figure as a tooltip, and the pages show the same
/// figures in a table, so nothing is told by the picture alone.
enum Charts {
    /// One bar per item, left to right (revenue by day), with a labelled value axis.
    static func columns(_ items: [(label: String, value: Int)], title: String, format: (Int) -> String) -> String {
        let width = 720.0
        let height = 240.0
        let (left, right, top, bottom) = (86.0, 12.0, 12.0, 40.0)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maximum = niceCeiling(items.map(\.value).max() ?? 0)
        var svg = header(width: width, height: height, title: title)
        for step in 0...4 {
            let value = maximum * step / 4
            let y = top + plotHeight - plotHeight * Double(step) / 4
            svg += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - right))\" y2=\"\(f(y))\"/>"
            svg +=
                "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">"
                + SVGText.escape(format(value)) + "</text>\n"
        }
        let slot = plotWidth / Double(max(items.count, 1))
        let labelEvery = max(1, Int((Double(items.count) / 8).rounded(.up)))
        for (index, item) in items.enumerated() {
            let barHeight = maximum == 0 ? 0 : plotHeight * Double(item.value) / Double(maximum)
            let x = left + slot * Double(index) + slot * 0.15
            svg +=
                "<rect class=\"bar\" x=\"\(f(x))\" y=\"\(f(top + plotHeight - barHeight))\" "
                + "width=\"\(f(max(slot * 0.7, 1)))\" height=\"\(f(barHeight))\"><title>"
                + SVGText.escape("\(item.label): \(format(item.value))") + "</title></rect>\n"
            if index % labelEvery == 0 {
                svg +=
                    "<text class=\"axis\" x=\"\(f(left + slot * (Double(index) + 0.5)))\" "
                    + "y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">" + SVGText.escape(item.label)
                    + "</text>\n"
            }
        }
        return svg + "</svg>"
    }

    /// One bar per item, top to bottom (the best-selling products), each with its name and figure.
    static func rows(_ items: [(label: String, value: Int)], title: String, format: (Int) -> String) -> String {
        let width = 720.0
        let rowHeight = 28.0
        let height = max(rowHeight * Double(items.count) + 8, 40)
        let labelWidth = 220.0
        let valueWidth = 110.0
        let maximum = items.map(\.value).max() ?? 0
        var svg = header(width: width, height: height, title: title)
        for (index, item) in items.enumerated() {
            let y = 4 + rowHeight * Double(index)
            let barWidth =
                maximum == 0 ? 0 : (width - labelWidth - valueWidth) * Double(item.value) / Double(maximum)
            let name = item.label.count > 30 ? String(item.label.prefix(29)) + "…" : item.label
            svg +=
                "<text class=\"axis\" x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 18))\" text-anchor=\"end\">"
                + SVGText.escape(name) + "</text>"
            svg +=
                "<rect class=\"bar\" x=\"\(f(labelWidth))\" y=\"\(f(y + 4))\" width=\"\(f(barWidth))\" "
                + "height=\"\(f(rowHeight - 8))\"><title>" + SVGText.escape("\(item.label): \(format(item.value))")
                + "</title></rect>"
            svg +=
                "<text class=\"axis\" x=\"\(f(labelWidth + barWidth + 6))\" y=\"\(f(y + 18))\">"
                + SVGText.escape(format(item.value)) + "</text>\n"
        }
        return svg + "</svg>"
    }

    /// The smallest of 1, 2 or 5 times a power of ten that is at least `value`: an axis's top.
    static func niceCeiling(_ value: Int) -> Int {
        guard value > 0 else { return 4 }
        var scale = 1
        while scale <= value / 10 { scale *= 10 }
        return [1, 2, 5, 10].map { $0 * scale }.first { $0 >= value } ?? 10 * scale
    }

    private static func header(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "role=\"img\" aria-label=\"\(SVGText.escape(title))\"><title>\(SVGText.escape(title))</title>\n"
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
