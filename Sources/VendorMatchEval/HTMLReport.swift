import Foundation

/// A self-contained HTML evaluation report with inline SVG charts (no scripts, no external files).
public struct HTMLReport: Sendable {
    /// One system's mean metric per cut-off.
    public struct Curve: Sendable {
        public var name: String
        /// NDCG@k for k = 1…n.
        public var values: [Double]
        /// CSS colour; by default the palette colour of the curve's position.
        public var color: String?
        public init(name: String, values: [Double], color: String? = nil) { self.name = name; self.values = values; self.color = color }
    }

    /// One bar group: a label and one value per system.
    public struct BarRow: Sendable {
        public var label: String
        public var note: String
        public var values: [Double]
        public init(label: String, note: String = "", values: [Double]) { self.label = label; self.note = note; self.values = values }
    }

    public struct BarChart: Sendable {
        public var title: String
        public var series: [String]
        public var rows: [BarRow]
        /// CSS colour per series; by default the palette.
        public var colors: [String]
        public init(title: String, series: [String], rows: [BarRow], colors: [String] = []) {
            self.title = title; self.series = series; self.rows = rows; self.colors = colors
        }
        func color(_ i: Int) -> String { i < colors.count ? colors[i] : HTMLReport.palette[i % HTMLReport.palette.count] }
    }

    /// A row of the significance table: B against A on one metric.
    public struct SignificanceRow: Sendable {
        public var a: String
        public var b: String
        public var metric: String
        public var comparison: PairedComparison
        public init(a: String, b: String, metric: String, comparison: PairedComparison) {
            self.a = a; self.b = b; self.metric = metric; self.comparison = comparison
        }
    }

    public var title: String
    /// Short paragraphs under the title (data, model, conventions).
    public var notes: [String]
    public var curves: [Curve]
    /// Per-system metric table: (system, [(metric label, value)]).
    public var summary: [(system: String, values: [(String, Double)])]
    public var segmentCharts: [BarChart]
    public var ablation: BarChart?
    public var significance: [SignificanceRow]

    public init(title: String, notes: [String], curves: [Curve], summary: [(system: String, values: [(String, Double)])],
                segmentCharts: [BarChart], ablation: BarChart?, significance: [SignificanceRow]) {
        self.title = title; self.notes = notes; self.curves = curves; self.summary = summary
        self.segmentCharts = segmentCharts; self.ablation = ablation; self.significance = significance
    }

    /// Series colours, in order.
    public static let palette = ["#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#7b5ea7", "#8c8c8c", "#c9a227"]

    public func render() -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px 32px; color: #222; max-width: 1120px; }
        h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
        p.note { margin: 2px 0; color: #555; font-size: 13px; }
        table { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
        th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; } th { background: #f3f3f3; }
        td.l, th.l { text-align: left; }
        .sig { font-weight: bold; color: #1a6d1a; } .neg { color: #a02020; }
        svg text { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }
        </style></head><body>
        <h1>\(esc(title))</h1>

        """
        for n in notes { h += "<p class=\"note\">\(esc(n))</p>\n" }
        if !curves.isEmpty {
            h += "<h2>NDCG@k, k = 1…\(curves.map(\.values.count).max() ?? 0)</h2>\n" + lineChart() + "\n"
        }
        if !summary.isEmpty { h += "<h2>Metrics</h2>\n" + summaryTable() + "\n" }
        if !significance.isEmpty { h += "<h2>Significance</h2>\n" + significanceTable() + "\n" }
        if let ablation { h += "<h2>\(esc(ablation.title))</h2>\n" + barChart(ablation) + "\n" }
        if !segmentCharts.isEmpty {
            h += "<h2>Segments</h2>\n"
            for c in segmentCharts { h += "<h3 style=\"font-size:15px\">\(esc(c.title))</h3>\n" + barChart(c) + "\n" }
        }
        return h + "</body></html>\n"
    }

    func lineChart() -> String {
        let legendRows = Double((curves.count + 2) / 3)
        let width = 1040.0, left = 56.0, right = 24.0, top = 16.0, bottom = 56.0 + 22 * legendRows
        let height = 372.0 + 22 * legendRows
        let n = curves.map(\.values.count).max() ?? 1
        let maxValue = max(0.1, (curves.flatMap(\.values).max() ?? 0.1))
        let yMax = (maxValue * 10).rounded(.up) / 10
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ k: Int) -> Double { left + (n > 1 ? Double(k - 1) / Double(n - 1) : 0.5) * plotW }
        func y(_ v: Double) -> Double { top + plotH * (1 - v / yMax) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        let ticks = 5
        for i in 0...ticks {
            let v = yMax * Double(i) / Double(ticks)
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(v)))\" stroke=\"#e4e4e4\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">\(String(format: "%.2f", v))</text>\n"
        }
        for k in 1...n {
            s += "<text x=\"\(f(x(k)))\" y=\"\(f(top + plotH + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">\(k)</text>"
        }
        s += "\n<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 34))\" font-size=\"12\" text-anchor=\"middle\">cut-off k</text>"
        s += "<text x=\"14\" y=\"\(f(top + plotH / 2))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(top + plotH / 2)))\">NDCG@k</text>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" stroke=\"#888\"/>"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\" stroke=\"#888\"/>\n"
        for (i, c) in curves.enumerated() {
            let color = c.color ?? HTMLReport.palette[i % HTMLReport.palette.count]
            let points = c.values.enumerated().map { "\(f(x($0.offset + 1))),\(f(y($0.element)))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\" points=\"\(points)\"/>\n"
            for (j, v) in c.values.enumerated() {
                s += "<circle cx=\"\(f(x(j + 1)))\" cy=\"\(f(y(v)))\" r=\"3\" fill=\"\(color)\"><title>\(esc(c.name)) NDCG@\(j + 1) = \(String(format: "%.4f", v))</title></circle>"
            }
            let ly = top + plotH + 62 + Double(i / 3) * 22, lx = left + Double(i % 3) * 320
            s += "\n<rect x=\"\(f(lx))\" y=\"\(f(ly - 6))\" width=\"18\" height=\"4\" fill=\"\(color)\"/>"
            let last = c.values.count >= 10 ? String(format: " (NDCG@10 %.3f)", c.values[9]) : ""
            s += "<text x=\"\(f(lx + 24))\" y=\"\(f(ly))\" font-size=\"12\">\(esc(c.name + last))</text>\n"
        }
        return s + "</svg>"
    }

    func barChart(_ chart: BarChart) -> String {
        let width = 1040.0, labelW = 230.0, valueW = 250.0, barH = 14.0, gap = 8.0
        let groupH = Double(chart.series.count) * barH + gap
        let legendH = chart.series.count > 1 ? 24.0 : 0
        let height = legendH + Double(chart.rows.count) * groupH + 28
        let maxValue = max(0.1, chart.rows.flatMap(\.values).max() ?? 0.1)
        let xMax = (maxValue * 10).rounded(.up) / 10
        let plotW = width - labelW - valueW
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        if chart.series.count > 1 {
            for (i, name) in chart.series.enumerated() {
                let lx = labelW + Double(i) * 200
                s += "<rect x=\"\(f(lx))\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(chart.color(i))\"/>"
                s += "<text x=\"\(f(lx + 18))\" y=\"14\" font-size=\"12\">\(esc(name))</text>\n"
            }
        }
        for i in 0...5 {
            let v = xMax * Double(i) / 5, gx = labelW + plotW * v / xMax
            s += "<line x1=\"\(f(gx))\" y1=\"\(f(legendH))\" x2=\"\(f(gx))\" y2=\"\(f(height - 22))\" stroke=\"#ececec\"/>"
            s += "<text x=\"\(f(gx))\" y=\"\(f(height - 8))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">\(String(format: "%.2f", v))</text>\n"
        }
        for (r, row) in chart.rows.enumerated() {
            let y0 = legendH + Double(r) * groupH
            s += "<text x=\"\(f(labelW - 8))\" y=\"\(f(y0 + groupH / 2 + 1))\" font-size=\"12\" text-anchor=\"end\">\(esc(row.label))</text>"
            for (i, v) in row.values.enumerated() {
                let by = y0 + Double(i) * barH
                s += "<rect x=\"\(f(labelW))\" y=\"\(f(by))\" width=\"\(f(max(0, plotW * v / xMax)))\" height=\"\(f(barH - 2))\" fill=\"\(chart.color(i))\"><title>\(esc(chart.series[i])): \(String(format: "%.4f", v))</title></rect>"
                s += "<text x=\"\(f(labelW + plotW * v / xMax + 4))\" y=\"\(f(by + barH - 4))\" font-size=\"10\" fill=\"#333\">\(String(format: "%.3f", v))</text>"
            }
            if !row.note.isEmpty {
                s += "<text x=\"\(f(width - valueW + 50))\" y=\"\(f(y0 + groupH / 2 + 1))\" font-size=\"11\" fill=\"#555\">\(esc(row.note))</text>"
            }
            s += "\n"
        }
        return s + "</svg>"
    }

    func summaryTable() -> String {
        guard let first = summary.first else { return "" }
        var t = "<table><tr><th class=\"l\">system</th>" + first.values.map { "<th>\(esc($0.0))</th>" }.joined() + "</tr>\n"
        for row in summary {
            t += "<tr><td class=\"l\">\(esc(row.system))</td>" + row.values.map { "<td>\(String(format: "%.4f", $0.1))</td>" }.joined() + "</tr>\n"
        }
        return t + "</table>"
    }

    func significanceTable() -> String {
        var t = "<table><tr><th class=\"l\">B</th><th class=\"l\">against A</th><th class=\"l\">metric</th><th>A</th><th>B</th><th>B − A</th><th>paired t-test p</th><th>randomisation p</th><th>wins/ties/losses</th><th>n</th></tr>\n"
        for r in significance {
            let c = r.comparison
            let cls = c.tTestP < 0.05 && c.randomisationP < 0.05 ? (c.meanDifference >= 0 ? " class=\"sig\"" : " class=\"sig neg\"") : ""
            t += "<tr><td class=\"l\">\(esc(r.b))</td><td class=\"l\">\(esc(r.a))</td><td class=\"l\">\(esc(r.metric))</td>"
            t += "<td>\(String(format: "%.4f", c.meanA))</td><td>\(String(format: "%.4f", c.meanB))</td>"
            t += "<td\(cls)>\(String(format: "%+.4f", c.meanDifference))</td><td>\(p(c.tTestP))</td><td>\(p(c.randomisationP))</td>"
            t += "<td>\(c.wins)/\(c.ties)/\(c.losses)</td><td>\(c.n)</td></tr>\n"
        }
        let perms = significance.first?.comparison.permutations ?? 0
        return t + "</table><p class=\"note\">Two-sided p-values; the randomisation test flips the signs of the per-request differences (\(perms) seeded permutations, p = (hits + 1) / (permutations + 1)). Bold: both p &lt; 0.05.</p>"
    }

    func p(_ x: Double) -> String { x < 0.0001 ? String(format: "%.1e", x) : String(format: "%.4f", x) }
    func f(_ x: Double) -> String { String(format: "%.1f", x) }

    func esc(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }
}
