import Testing
@testable import VendorMatchEval

@Suite struct HTMLReportTests {
    @Test func rendersOneSelfContainedFileWithChartsAndEscapedText() {
        let c = PairedComparison(a: [0.1, 0.2, 0.3], b: [0.2, 0.4, 0.3], permutations: 100, seed: 1)
        let report = HTMLReport(
            title: "R&D <eval>", notes: ["n = 3"],
            curves: [.init(name: "model", values: (1...20).map { Double($0) / 40 }), .init(name: "random", values: Array(repeating: 0.1, count: 20))],
            summary: [(system: "model", values: [("ndcg@10", 0.25)])],
            segmentCharts: [.init(title: "by sector", series: ["model", "random"], rows: [.init(label: "52 (n=2)", values: [0.3, 0.1])])],
            ablation: .init(title: "Ablation", series: ["model"], rows: [.init(label: "without need", note: "drop", values: [0.2])]),
            significance: [.init(a: "random", b: "model", metric: "ndcg@10", comparison: c)])
        let html = report.render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("R&amp;D &lt;eval&gt;"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\"http"))
        // One line chart, one ablation chart, one segment chart.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(html.components(separatedBy: "<polyline").count - 1 == 2)
        // B − A = 0.1, 0.2, 0: two wins, one tie.
        #expect(html.contains("<td>2/1/0</td>"))
    }
}
