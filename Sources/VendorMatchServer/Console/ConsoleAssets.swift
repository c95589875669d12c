/// The console's only assets, served by the binary (no CDN): one stylesheet and one small script. The
/// pages work without the script; it adds the industry name beside the code and caps the comparison at three.
enum ConsoleAssets {
    static let css = """
    :root { --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --accent: #0b5cad; --bad: #b3261e; --good: #1a7f37; --line: #d0d7de; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
    a { color: var(--accent); }
    a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible, [tabindex]:focus-visible {
      outline: 3px solid #f5a623; outline-offset: 2px; }
    .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
    .skip:focus { left: .5rem; z-index: 10; }
    header.top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; padding: .5rem 1rem; border-bottom: 1px solid var(--line); }
    header.top ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
    header.top a[aria-current] { font-weight: 700; text-decoration: none; }
    main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
    footer { max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .875rem; }
    h1 { font-size: 1.6rem; margin: .5rem 0; overflow-wrap: anywhere; }
    h2 { font-size: 1.25rem; margin-top: 1.5rem; }
    h3, h4 { font-size: 1.05rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
    .lede { color: var(--muted); }
    .muted { color: var(--muted); font-weight: 400; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .form { display: grid; gap: .75rem; grid-template-columns: 1fr; }
    fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: 0; display: grid; gap: .75rem; min-width: 0; align-content: start; }
    legend { font-weight: 600; padding: 0 .25rem; }
    .field { display: flex; flex-direction: column; gap: .25rem; min-width: 0; }
    .field label { font-weight: 600; }
    .hint { margin: 0; color: var(--muted); font-size: .875rem; }
    input, select, textarea, button { font: inherit; max-width: 100%; }
    input[type=text], input[type=number], input[type=password], select, textarea { width: 100%; padding: .4rem; border: 1px solid #8c959f; border-radius: 4px; }
    .invalid input, .invalid select, .invalid textarea { border: 2px solid var(--bad); }
    .field-error { margin: 0; color: var(--bad); font-weight: 600; }
    .notice { border-left: 4px solid var(--bad); background: #fff5f5; padding: .5rem .75rem; overflow-wrap: anywhere; }
    button, .button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .5rem 1rem; cursor: pointer; text-decoration: none; display: inline-block; }
    .signout button { background: #fff; color: var(--accent); border: 1px solid var(--accent); padding: .25rem .75rem; }
    output { color: var(--muted); font-size: .875rem; }
    ol.cases, ol.vendors { padding-left: 0; list-style: none; }
    li.case, li.vendor { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin: .75rem 0; overflow-wrap: anywhere; }
    .compact li.case { margin: .5rem 0; }
    .meta { margin: .25rem 0; color: var(--muted); }
    .mark { display: inline-block; border-radius: 3px; padding: 0 .35rem; font-size: .8rem; font-weight: 600; }
    .mark.verified { background: #dafbe1; color: #0f5323; }
    .mark.top { background: #fff8c5; color: #5c4400; }
    ul.pairs { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: .25rem 0; padding: 0; list-style: none; }
    ul.pairs li { display: flex; gap: .35rem; }
    ul.facts { flex-direction: column; }
    ul.pairs .k { color: var(--muted); }
    ul.pairs .v { font-variant-numeric: tabular-nums; }
    fieldset.plain { border: 0; padding: 0; display: block; }
    .compare-form .field { align-items: flex-start; }
    .label { font-weight: 600; }
    .rank { color: var(--muted); }
    .score { font-weight: 400; color: var(--muted); font-size: .95rem; }
    label.compare { display: inline-flex; gap: .35rem; align-items: center; margin: .25rem 0; }
    table { border-collapse: collapse; margin: .5rem 0; }
    caption { text-align: left; font-weight: 600; padding: .25rem 0; }
    th, td { text-align: left; padding: .15rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .scroll { overflow-x: auto; max-width: 100%; }
    svg.bar .pos { fill: var(--good); }
    svg.bar .neg { fill: var(--bad); }
    svg.bar .axis { stroke: #8c959f; stroke-width: 1; }
    .chart svg { width: 100%; height: auto; max-width: 640px; }
    .chart .grid { stroke: #eaeef2; }
    .chart .tick { font-size: 11px; fill: var(--muted); }
    .chart polyline { fill: none; stroke-width: 2; }
    .chart .shortlisted { stroke: #0b5cad; fill: #0b5cad; }
    .chart .chosen { stroke: #1a7f37; fill: #1a7f37; }
    .chart .ndcg { stroke: #8250df; fill: #8250df; }
    .chart polyline.shortlisted, .chart polyline.chosen, .chart polyline.ndcg { fill: none; }
    .chart .v1 { stroke-dasharray: 6 3; } .chart .v2 { stroke-dasharray: 2 3; } .chart .v3 { stroke-dasharray: 8 2 2 2; }
    .key.shortlisted { color: #0b5cad; } .key.chosen { color: #1a7f37; } .key.ndcg { color: #8250df; }
    details summary { cursor: pointer; color: var(--accent); }
    .comparison table td, .comparison table th { min-width: 9rem; }
    @media (min-width: 48rem) {
      .form.search { grid-template-columns: 1fr 1fr; }
      .form.search fieldset { grid-column: span 1; }
      .form.search .actions { grid-column: 1 / -1; }
      ul.facts { flex-direction: row; }
    }
    """

    static let javascript = """
    // VendorMatch console: small enhancements; every page works without this file.
    (function () {
      'use strict';
      // Industry: show the NAICS title of the code typed (from the page's own datalist).
      var industry = document.getElementById('f-industry');
      var title = document.getElementById('industry-title');
      var list = document.getElementById('industries');
      if (industry && title && list) {
        var titles = {};
        Array.prototype.forEach.call(list.options, function (o) { titles[o.value] = o.textContent; });
        var show = function () { title.textContent = titles[industry.value.trim()] || ''; };
        industry.addEventListener('input', show);
      }
      // Compare: at most three vendors; further boxes are disabled until one is unticked.
      var form = document.getElementById('compare-form');
      if (form) {
        var boxes = form.querySelectorAll('input[type=checkbox][name=compare]');
        var cap = function () {
          var ticked = 0;
          Array.prototype.forEach.call(boxes, function (b) { if (b.checked) { ticked++; } });
          Array.prototype.forEach.call(boxes, function (b) { b.disabled = !b.checked && ticked >= 3; });
        };
        Array.prototype.forEach.call(boxes, function (b) { b.addEventListener('change', cap); });
        cap();
      }
    })();
    """
}
