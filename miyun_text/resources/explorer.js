// The explorer's script: term search with keyword in context, distinctive terms between two groups, text reuse.
// The data is the JSON in <script id="explorer-data">; nothing is fetched. Occurrences are found as
// miyun_text.keywords.kwic finds them (every start of the term, overlapping ones included).
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("explorer-data").textContent);
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const KIND = { review: "回顾 review", outlook: "展望 outlook", plan: "安排 plan", "self-building": "自身建设 self-building", "": "其他 other" };
  const MAX_LINES = 300;

  function fill(select, values, label) {
    select.innerHTML = '<option value="">' + label + "</option>" + values.map((v) => '<option value="' + esc(v[0]) + '">' + esc(v[1]) + "</option>").join("");
  }
  const uniq = (xs) => [...new Set(xs)];
  fill($("region"), uniq(D.reports.map((r) => r.region)).sort().map((r) => [r, r]), "全部地区 all regions");
  fill($("year"), uniq(D.reports.map((r) => r.year)).sort().map((y) => [y, y]), "全部年份 all years");
  fill($("part"), uniq(D.paragraphs.map((p) => p[1])).map((k) => [k, KIND[k] || k]), "全部部分 all parts");

  function occurrences(text, term) {
    const out = [];
    for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + 1)) out.push(i);
    return out;
  }

  function countTable(id, counts) {
    const rows = [...counts.entries()].map(([k, n]) => "<tr><td>" + esc(k) + '</td><td class="num">' + n + "</td></tr>").join("");
    $(id).innerHTML = rows || '<tr><td colspan="2" class="empty">—</td></tr>';
  }

  function search() {
    const term = $("q").value.trim();
    const region = $("region").value, year = $("year").value, part = $("part").value;
    if (location.hash !== "#q=" + encodeURIComponent(term)) history.replaceState(null, "", term ? "#q=" + encodeURIComponent(term) : location.pathname);
    const lines = [];
    const byReport = new Map(), byKind = new Map(), byYear = new Map();
    if (term) {
      for (const p of D.paragraphs) {
        const r = D.reports[p[0]];
        if ((region && r.region !== region) || (year && String(r.year) !== year) || (part && p[1] !== part)) continue;
        for (const at of occurrences(p[5], term)) {
          lines.push([r.label, p[2], p[3], p[5].slice(Math.max(0, at - D.window), at), p[5].slice(at + term.length, at + term.length + D.window)]);
          byReport.set(r.label, (byReport.get(r.label) || 0) + 1);
          byKind.set(KIND[p[1]] || p[1], (byKind.get(KIND[p[1]] || p[1]) || 0) + 1);
          byYear.set(String(r.year), (byYear.get(String(r.year)) || 0) + 1);
        }
      }
    }
    $("total").textContent = String(lines.length);
    countTable("by-report", byReport);
    countTable("by-kind", byKind);
    countTable("by-year", byYear);
    $("kwic").innerHTML = lines.slice(0, MAX_LINES).map((l) => "<tr><td>" + esc(l[0]) + "</td><td>" + esc(l[1]) + "</td><td>" + esc(l[2]) +
      '</td><td class="left">' + esc(l[3]) + '</td><td class="term">' + esc(term) + '</td><td class="right">' + esc(l[4]) + "</td></tr>").join("");
    $("shown").textContent = lines.length > MAX_LINES ? "showing " + MAX_LINES + " of " + lines.length + " lines (显示 " + MAX_LINES + " / " + lines.length + " 行；用筛选缩小范围)" : "";
  }

  // #q=保水 or #q=%E4%BF%9D%E6%B0%B4; a malformed escape (#q=100%, #q=%E4) is searched as written
  function decodeTerm(raw) {
    try { return decodeURIComponent(raw); } catch (e) { return raw; }
  }

  function fromHash() {
    const m = location.hash.match(/^#q=(.*)$/s);
    if (m) { $("q").value = decodeTerm(m[1]); show("search"); }
    search();
  }

  function show(view) {
    for (const v of ["search", "compare", "reuse"]) {
      $("view-" + v).hidden = v !== view;
      $("tab-" + v).setAttribute("aria-selected", String(v === view));
    }
    if (view === "compare") drawComparison();
    if (view === "reuse") drawReuse();
  }

  // Distinctive terms, scattertext style: x and y by rate in each group (log scale), colour by z.
  fill($("cmp"), D.comparisons.map((c, i) => [i, c.label]), "");
  $("cmp").options[0].remove();

  function colour(z) {
    const t = Math.min(1, Math.abs(z) / 4);
    const [r, g, b] = z > 0 ? [31, 78, 121] : [180, 80, 20];
    const mix = (c) => Math.round(225 + (c - 225) * t);
    return Math.abs(z) < 1.96 ? "rgb(190,190,190)" : "rgb(" + mix(r) + "," + mix(g) + "," + mix(b) + ")";
  }

  function drawComparison() {
    const c = D.comparisons[Number($("cmp").value || 0)];
    if (!c) { $("scatter").innerHTML = ""; return; }
    const size = 520, pad = 46, top = Math.max(1, ...c.terms.map((t) => Math.max(t[3], t[4])));
    const scale = (v) => pad + (size - 2 * pad) * Math.log10(1 + v) / Math.log10(1 + top);
    // terms with the same counts would sit on one spot: a small offset derived from the term separates them
    const jitter = (s, seed) => { let h = seed; for (const ch of s) h = (h * 31 + ch.codePointAt(0)) % 9973; return (h % 9) - 4; };
    const px = (t) => scale(t[3]) + jitter(t[0], 7), py = (t) => size - scale(t[4]) + jitter(t[0], 13);
    const dots = c.terms.map((t) => {
      const x = px(t), y = py(t);
      return '<circle cx="' + x.toFixed(1) + '" cy="' + y.toFixed(1) + '" r="4" fill="' + colour(t[5]) + '" data-term="' + esc(t[0]) +
        '"><title>' + esc(t[0]) + "：" + esc(c.a) + " " + t[1] + "，" + esc(c.b) + " " + t[2] + "，z = " + t[5].toFixed(2) + "</title></circle>";
    });
    const ranked = [...c.terms].sort((p, q) => q[5] - p[5]);
    const labels = ranked.slice(0, 8).concat(ranked.slice(-8)).filter((t) => Math.abs(t[5]) >= 1.96).map((t) =>
      '<text x="' + (px(t) + 6).toFixed(1) + '" y="' + (py(t) + 4).toFixed(1) + '">' + esc(t[0]) + "</text>");
    $("scatter").innerHTML = '<svg viewBox="0 0 ' + size + " " + size + '" width="' + size + '" height="' + size + '" role="img" aria-label="' + esc(c.label) + '">' +
      '<line x1="' + pad + '" y1="' + (size - pad) + '" x2="' + (size - pad) + '" y2="' + pad + '" stroke="#ccc" stroke-dasharray="4 3"/>' +
      '<line x1="' + pad + '" y1="' + (size - pad) + '" x2="' + (size - pad) + '" y2="' + (size - pad) + '" stroke="#888"/>' +
      '<line x1="' + pad + '" y1="' + (size - pad) + '" x2="' + pad + '" y2="' + pad + '" stroke="#888"/>' +
      '<text x="' + size / 2 + '" y="' + (size - 12) + '" text-anchor="middle">' + esc(c.a) + " 每万词频次 →</text>" +
      '<text transform="translate(14 ' + size / 2 + ') rotate(-90)" text-anchor="middle">' + esc(c.b) + " 每万词频次 →</text>" +
      dots.join("") + labels.join("") + "</svg>";
    const item = (t) => '<li><a href="#q=' + encodeURIComponent(t[0]) + '" data-term="' + esc(t[0]) + '">' + esc(t[0]) + "</a> " + t[1] + " : " + t[2] + "，z = " + t[5].toFixed(2) + "</li>";
    $("side-a").textContent = c.a;
    $("side-b").textContent = c.b;
    $("top-a").innerHTML = ranked.filter((t) => t[5] > 0).slice(0, 20).map(item).join("");
    $("top-b").innerHTML = ranked.filter((t) => t[5] < 0).reverse().slice(0, 20).map(item).join("");
  }

  function openTerm(event) {
    const term = event.target.getAttribute("data-term");
    if (!term) return;
    event.preventDefault();
    $("q").value = term;
    show("search");
    search();
  }

  // Text reuse: a heat map of the share of each row report found in each column report (SVG, fill attributes),
  // and for a clicked cell the two reports' shared passages side by side, the shared runs in <mark>.
  let reusePair = null;
  function drawReuse() {
    const R = D.reuse;
    if (!R) {
      $("reuse-map").innerHTML = '<p class="note">文本复用需要至少两份报告。Text reuse needs two reports or more.</p>';
      return;
    }
    const column = Number($("reuse-value").value);
    const n = D.reports.length, cell = Math.max(12, Math.min(40, Math.floor(560 / n))), left = 120, top = 110;
    const values = R.cells.filter((c) => c[column] !== null).map((c) => c[column]);
    const most = Math.max(1e-9, ...values);
    const fill = (v) => {
      const t = Math.min(1, v / most), mix = (a, b) => Math.round(a + (b - a) * t);
      return "rgb(" + mix(255, 165) + "," + mix(245, 15) + "," + mix(240, 21) + ")";
    };
    const rects = R.cells.map((c) => {
      const v = c[column], x = left + c[1] * cell, y = top + c[0] * cell;
      const shown = v === null ? "—" : (100 * v).toFixed(1) + "%";
      return '<rect x="' + x + '" y="' + y + '" width="' + (cell - 1) + '" height="' + (cell - 1) + '" fill="' +
        (v === null ? "#eee" : fill(v)) + '" data-pair="' + c[0] + "," + c[1] + '"><title>' + esc(D.reports[c[0]].label) +
        " ← " + esc(D.reports[c[1]].label) + "：" + shown + "，" + c[4] + " 段 passages</title></rect>";
    });
    const rows = D.reports.map((r, i) => '<text x="' + (left - 6) + '" y="' + (top + i * cell + cell * 0.65) +
      '" text-anchor="end">' + esc(r.label) + "</text>");
    const cols = D.reports.map((r, j) => '<text transform="translate(' + (left + j * cell + cell * 0.6) + " " + (top - 6) +
      ') rotate(-60)">' + esc(r.label) + "</text>");
    // room on the right for the last column's slanted label, below for the colour key
    const width = left + n * cell + 90, height = top + n * cell + 30;
    const key = '<text x="' + left + '" y="' + (height - 8) + '">颜色最深 darkest = ' + (100 * most).toFixed(1) + "%</text>";
    $("reuse-map").innerHTML = '<svg viewBox="0 0 ' + width + " " + height + '" width="' + width + '" height="' + height +
      '" role="img" aria-label="文本复用 text reuse">' + rects.join("") + rows.join("") + cols.join("") + key + "</svg>";
    if (reusePair) showPassages(reusePair[0], reusePair[1]);
  }

  function marked(runs) {
    return runs.map((r) => (r[1] ? "<mark>" + esc(r[0]) + "</mark>" : esc(r[0]))).join("");
  }

  function showPassages(row, col) {
    reusePair = [row, col];
    const found = D.reuse.pairs.find((p) => (p[0] === col && p[1] === row) || (p[0] === row && p[1] === col));
    const source = D.reports[col].label, reuser = D.reports[row].label;
    $("reuse-title").textContent = reuser + " ← " + source + "：" + (found ? found[2] : 0) + " 段共有文字 shared passages" +
      (found && found[3].length < found[2] ? "（显示最长的 " + found[3].length + " 段 the longest shown）" : "");
    if (!found) { $("reuse-passages").innerHTML = ""; return; }
    const flip = found[0] !== col;  // the stored pair may hold the two reports the other way round
    const head = "<tr><th>" + esc(source) + "</th><th>" + esc(reuser) + "</th><th>相似度 similarity</th><th>报告数 reports</th></tr>";
    $("reuse-passages").innerHTML = head + found[3].map((p) => "<tr><td>" + marked(flip ? p[1] : p[0]) + "</td><td>" +
      marked(flip ? p[0] : p[1]) + "</td><td>" + p[2].toFixed(2) + "</td><td>" + (p[3] === null ? "—" : p[3]) +
      (p[4] ? " 套话 formulaic" : "") + "</td></tr>").join("");
  }

  $("reuse-map").addEventListener("click", (event) => {
    const pair = event.target.getAttribute && event.target.getAttribute("data-pair");
    if (!pair) return;
    const [row, col] = pair.split(",").map(Number);
    showPassages(row, col);
  });
  $("reuse-value").addEventListener("change", drawReuse);
  $("tab-reuse").addEventListener("click", () => show("reuse"));

  $("q").addEventListener("input", search);
  for (const id of ["region", "year", "part"]) $(id).addEventListener("change", search);
  $("tab-search").addEventListener("click", () => show("search"));
  $("tab-compare").addEventListener("click", () => show("compare"));
  $("cmp").addEventListener("change", drawComparison);
  $("view-compare").addEventListener("click", openTerm);
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
