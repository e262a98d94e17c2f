import TensorAnalysis
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The plot area every chart shares: a 640 × 250 view box with room for axis labels.
struct ChartFrame {
    static let width = 640.0, height = 250.0
    static let left = 60.0, right = 20.0, top = 34.0, bottom = 40.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }
    static var baseline: Double { height - bottom }

    /// Coordinates are written with one decimal: enough for a screen, and the same text on
    /// every run.
    /// (C's `%.1f`: the exact binary value rounded to one decimal, in the C locale, which the
    /// tool never changes.)
    static func number(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let length = withVaList([value.isFinite ? value : 0]) { vsnprintf(buffer.baseAddress, buffer.count, "%.1f", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: max(0, min(Int(length), buffer.count - 1))),
                          as: UTF8.self)
        }
    }

    /// A value drawn at a tick: four significant digits (`%.4g`), short enough for the 54 points
    /// left of the y axis and for three labels under the x axis; every exact value is in the
    /// bars' titles and the captions. Why: `863039.275129` anchored at the axis ran off the
    /// page's edge (it showed `9.275129`), and min, median and max ran into each other (helper-147).
    static func tickLabel(_ value: Double) -> String {
        guard value.isFinite else { return TextFormatting.compact(value) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let length = withVaList([value]) { vsnprintf(buffer.baseAddress, buffer.count, "%.4g", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: max(0, min(Int(length), buffer.count - 1))),
                          as: UTF8.self)
        }
    }

    /// Opens the `<svg>` with its accessible title (`role="img"`, `aria-labelledby`).
    static func open(titleID: String, title: String, _ html: inout HTMLWriter) {
        html.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "viewBox": "0 0 \(Int(width)) \(Int(height))",
                          "width": "\(Int(width))", "height": "\(Int(height))", "role": "img", "aria-labelledby": titleID])
        html.element("title", ["id": titleID], text: title)
    }

    static func axes(xLabel: String, yLabel: String, _ html: inout HTMLWriter) {
        html.empty("line", ["class": "axis", "x1": number(left), "y1": number(baseline), "x2": number(width - right),
                            "y2": number(baseline)], selfClosing: true)
        html.empty("line", ["class": "axis", "x1": number(left), "y1": number(top), "x2": number(left),
                            "y2": number(baseline)], selfClosing: true)
        html.element("text", ["x": number(left + plotWidth / 2), "y": number(height - 6), "text-anchor": "middle"], text: xLabel)
        html.element("text", ["x": "12", "y": number(top + plotHeight / 2), "text-anchor": "middle",
                              "transform": "rotate(-90 12 \(number(top + plotHeight / 2)))"], text: yLabel)
    }

    /// `anchor`: where the label sits against the tick (`middle`, or `end` at the plot's right
    /// edge so it stays on the page); `line` 1 puts it a line lower, under a neighbour it would overlap.
    static func tick(x: Double, label: String, anchor: String = "middle", line: Int = 0, _ html: inout HTMLWriter) {
        html.empty("line", ["class": "axis", "x1": number(x), "y1": number(baseline), "x2": number(x),
                            "y2": number(baseline + 4)], selfClosing: true)
        html.element("text", ["x": number(x), "y": number(baseline + 16 + 12 * Double(line)), "text-anchor": anchor], text: label)
    }

    static func tick(y: Double, label: String, _ html: inout HTMLWriter) {
        html.empty("line", ["class": "axis", "x1": number(left - 4), "y1": number(y), "x2": number(left),
                            "y2": number(y)], selfClosing: true)
        html.element("text", ["x": number(left - 6), "y": number(y + 4), "text-anchor": "end"], text: label)
    }
}

/// The row-norm histogram: bars of log(1 + count), marks as patterned vertical lines.
enum Histogram {
    static func letter(_ kind: NormProfile.Mark.Kind) -> String {
        switch kind {
        case .pad: "P"
        case .untrained: "U"
        case .beyondVocabulary: "V"
        }
    }

    static func cssClass(_ kind: NormProfile.Mark.Kind) -> String {
        switch kind {
        case .pad: "mark pad"
        case .untrained: "mark untrained"
        case .beyondVocabulary: "mark beyond"
        }
    }

    /// The label line above the plot for each kind of mark: one label per kind (the first
    /// mark's row and token, and how many there are), so labels never pile up; every line
    /// still has its tooltip and the table below lists the rows.
    static func labelLine(_ kind: NormProfile.Mark.Kind) -> Int {
        switch kind {
        case .pad: 0
        case .untrained: 1
        case .beyondVocabulary: 2
        }
    }

    static func svg(_ profile: NormProfile, titleID: String, summary: String, _ html: inout HTMLWriter) {
        typealias F = ChartFrame
        F.open(titleID: titleID, title: summary, &html)
        F.axes(xLabel: "row L2 norm", yLabel: "rows (log scale)", &html)
        guard let low = profile.bins.first?.lower, let high = profile.bins.last?.upper else {
            html.element("text", ["x": F.number(F.left + 10), "y": F.number(F.top + 20)], text: "no row has a finite norm")
            html.close("svg")
            return
        }
        let span = high > low ? high - low : 1
        func x(_ norm: Double) -> Double { high > low ? F.left + (norm - low) / span * F.plotWidth : F.left + F.plotWidth / 2 }
        let most = profile.bins.map(\.count).max() ?? 1
        let scale = log1p(Double(most))
        func barHeight(_ count: Int) -> Double { count == 0 ? 0 : log1p(Double(count)) / scale * F.plotHeight }
        for bin in profile.bins {
            let left = high > low ? x(bin.lower) : F.left + F.plotWidth / 2 - 4
            let width = high > low ? max(0.5, x(bin.upper) - x(bin.lower)) : 8
            let h = barHeight(bin.count)
            html.element("rect", ["class": "bar", "x": F.number(left), "y": F.number(F.baseline - h),
                                  "width": F.number(width), "height": F.number(h)]) { html in
                html.element("title", text: "\(TextFormatting.compact(bin.lower)) – \(TextFormatting.compact(bin.upper)): \(bin.count) rows")
            }
        }
        F.tick(x: x(low), label: F.tickLabel(low), &html)
        F.tick(x: x(high), label: F.tickLabel(high), anchor: "end", &html)
        if let median = profile.median {
            // A line lower when it would run into the minimum's or the maximum's label.
            let crowded = abs(x(median) - x(low)) < 80 || abs(x(high) - x(median)) < 80
            F.tick(x: x(median), label: "median " + F.tickLabel(median), line: crowded ? 1 : 0, &html)
        }
        var power = 1
        while power <= most {
            F.tick(y: F.baseline - barHeight(power), label: String(power), &html)
            power *= 10
        }
        var labelled: Set<NormProfile.Mark.Kind> = []
        for mark in profile.marks where mark.norm.isFinite {
            let position = x(min(max(mark.norm, low), high))
            let name = AuditHTML.markName(mark)
            html.element("line", ["class": cssClass(mark.kind), "x1": F.number(position), "y1": F.number(F.top - 4),
                                  "x2": F.number(position), "y2": F.number(F.baseline),
                                  "data-mark": mark.kind.rawValue, "data-row": String(mark.row)]) { html in
                html.element("title", text: "\(mark.kind.rawValue): \(name)")
            }
            if labelled.insert(mark.kind).inserted {
                let total = profile.markCounts[mark.kind] ?? 1
                let label = "\(letter(mark.kind)) " + (total == 1 ? name : "\(AuditHTML.counted(total, mark.kind)), e.g. \(name)")
                // Right of the line in the left half of the plot, left of it in the right half.
                let anchor = position > F.left + F.plotWidth / 2 ? "end" : "start"
                html.element("text", ["x": F.number(anchor == "end" ? position - 3 : position + 3),
                                      "y": F.number(10 + Double(labelLine(mark.kind)) * 11), "text-anchor": anchor],
                             text: label)
            }
        }
        html.close("svg")
    }
}

/// The sorted-norm curve: every row's norm in increasing order (sampled), with the pad row's
/// norm as a patterned horizontal line.
enum SortedCurve {
    static func svg(_ profile: NormProfile, titleID: String, _ html: inout HTMLWriter) {
        typealias F = ChartFrame
        let title = "Row norms of \(TextFormatting.safeName(profile.tensor)) sorted in increasing order, \(profile.sortedCurve.count) points along the sorted rows"
        F.open(titleID: titleID, title: title, &html)
        F.axes(xLabel: "rows sorted by norm (0 = smallest, 1 = largest)", yLabel: "row L2 norm", &html)
        guard let low = profile.sortedCurve.first?.norm, let high = profile.sortedCurve.last?.norm else {
            html.close("svg")
            return
        }
        let span = high > low ? high - low : 1
        func y(_ norm: Double) -> Double { high > low ? F.baseline - (norm - low) / span * F.plotHeight : F.top + F.plotHeight / 2 }
        let points = profile.sortedCurve.map { "\(F.number(F.left + $0.position * F.plotWidth)),\(F.number(y($0.norm)))" }
        html.empty("polyline", ["class": "curve", "points": points.joined(separator: " ")], selfClosing: true)
        F.tick(y: y(low), label: F.tickLabel(low), &html)
        F.tick(y: y(high), label: F.tickLabel(high), &html)
        F.tick(x: F.left, label: "0", &html)
        F.tick(x: F.left + F.plotWidth, label: "1", &html)
        for mark in profile.marks where mark.kind == .pad && mark.norm.isFinite {
            let level = y(min(max(mark.norm, low), high))
            html.element("line", ["class": Histogram.cssClass(.pad), "x1": F.number(F.left), "y1": F.number(level),
                                  "x2": F.number(F.left + F.plotWidth), "y2": F.number(level), "data-mark": mark.kind.rawValue]) { html in
                html.element("title", text: "pad row: \(AuditHTML.markName(mark))")
            }
            html.element("text", ["x": F.number(F.left + 4), "y": F.number(level - 3)], text: "P \(AuditHTML.markName(mark))")
        }
        html.close("svg")
    }
}
