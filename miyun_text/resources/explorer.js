// The explorer's script: term search with keyword in context, distinctive terms between two groups, text reuse.
// The data is the JSON in <script id="explorer-data">; nothing is fetched. Occurrences are found as
// miyun_text.keywords.kwic finds them: as a whole token of the paragraph's segmentation (whole_token=True,
// how the distinctive terms count), or as a substring (every start of the term, overlapping ones included).
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("explorer-data").textContent);
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const KIND = {
    review: "回顾 review", outlook: "展望 outlook", plan: "安排 plan", "self-building": "自身建设 self-building",
    preamble: "序言 preamble", unknown: "未分部分 unknown", "": "其他 other",
  };
  const MAX_LINES = 300;
  const SVG = "http://www.w3.org/2000/svg";

  function fill(select, values, label) {
    select.innerHTML = '<option value="">' + esc(label) + "</option>" + values.map((v) => '<option value="' + esc(v[0]) + '">' + esc(v[1]) + "</option>").join("");
  }
  const uniq = (xs) => [...new Set(xs)];
  fill($("region"), uniq(D.reports.map((r) => r.region)).sort().map((r) => [r, r]), "全部地区 all regions");
  fill($("year"), uniq(D.reports.map((r) => r.year)).sort().map((y) => [y, y]), "全部年份 all years");
  fill($("part"), uniq(D.paragraphs.map((p) => p[1])).map((k) => [k, KIND[k] || k]), "全部部分 all parts");

  // every start of the term in the text (substring), or the starts of the tokens equal to it (whole word)
  function substringStarts(text, term) {
    const out = [];
    for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + 1)) out.push(i);
    return out;
  }
  function tokenStarts(paragraph, term) {
    const out = [];
    let at = 0;
    for (const length of paragraph[6]) {
      if (length === term.length && paragraph[5].startsWith(term, at)) out.push(at);
      at += length;
    }
    return out;
  }
  const mode = () => ($("mode-sub").checked ? "sub" : "word");
  const starts = (paragraph, term, how) => (how === "sub" ? substringStarts(paragraph[5], term) : tokenStarts(paragraph, term));

  function countTable(id, counts) {
    const rows = [...counts.entries()].map(([k, n]) => "<tr><td>" + esc(k) + '</td><td class="num">' + n + "</td></tr>").join("");
    $(id).innerHTML = rows || '<tr><td colspan="2" class="empty">无 none</td></tr>';
  }

  function search() {
    const term = $("q").value.trim();
    const region = $("region").value, year = $("year").value, part = $("part").value, how = mode();
    const hash = term ? "#q=" + encodeURIComponent(term) + (how === "sub" ? "&m=sub" : "") : "";
    if (location.hash !== hash) history.replaceState(null, "", hash || location.pathname);
    const lines = [];
    const byReport = new Map(), byKind = new Map(), byYear = new Map();
    let other = 0;
    if (term) {
      for (const p of D.paragraphs) {
        const r = D.reports[p[0]];
        if ((region && r.region !== region) || (year && String(r.year) !== year) || (part && p[1] !== part)) continue;
        other += starts(p, term, how === "sub" ? "word" : "sub").length;
        for (const at of starts(p, term, how)) {
          lines.push([r.label, p[2], p[3], p[5].slice(Math.max(0, at - D.window), at), p[5].slice(at + term.length, at + term.length + D.window)]);
          byReport.set(r.label, (byReport.get(r.label) || 0) + 1);
          byKind.set(KIND[p[1]] || p[1], (byKind.get(KIND[p[1]] || p[1]) || 0) + 1);
          byYear.set(String(r.year), (byYear.get(String(r.year)) || 0) + 1);
        }
      }
    }
    $("total").textContent = String(lines.length);
    $("other").textContent = term ? (how === "sub" ? "（整词 whole word：" + other + "）" : "（子串 substring：" + other + "）") : "";
    countTable("by-report", byReport);
    countTable("by-kind", byKind);
    countTable("by-year", byYear);
    $("kwic").innerHTML = lines.slice(0, MAX_LINES).map((l) => "<tr><td>" + esc(l[0]) + "</td><td>" + esc(l[1]) + "</td><td>" + esc(l[2]) +
      '</td><td class="left">' + esc(l[3]) + '</td><td class="term">' + esc(term) + '</td><td class="right">' + esc(l[4]) + "</td></tr>").join("");
    $("shown").textContent = lines.length > MAX_LINES ? "显示 " + MAX_LINES + " / " + lines.length + " 行；用筛选缩小范围 (showing " + MAX_LINES + " of " + lines.length + " lines)" : "";
  }

  // #q=保水 or #q=%E4%BF%9D%E6%B0%B4; a malformed escape (#q=100%, #q=%E4) is searched as written
  function decodeTerm(raw) {
    try { return decodeURIComponent(raw); } catch (e) { return raw; }
  }

  function fromHash() {
    const m = location.hash.match(/^#q=(.*?)(&m=sub)?$/s);
    if (m) {
      $("q").value = decodeTerm(m[1]);
      $(m[2] ? "mode-sub" : "mode-word").checked = true;
      show("search");
    }
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

  function node(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, String(v));
    if (text !== undefined) element.textContent = text;  // data is text, never markup
    return element;
  }

  // Round tick values on the log(1 + v) scale, at least `gap` pixels apart.
  function ticks(top, scale, gap) {
    const out = [];
    for (let decade = 1; decade <= top * 10; decade *= 10) {
      for (const step of [1, 2, 5]) {
        const v = step * decade;
        if (v <= top) out.push(v);
      }
    }
    const kept = [0];
    for (const v of out) if (scale(v) - scale(kept[kept.length - 1]) >= gap) kept.push(v);
    return kept;
  }

  const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  function drawComparison() {
    const c = D.comparisons[Number($("cmp").value || 0)];
    const holder = $("scatter");
    holder.textContent = "";
    if (!c) return;
    const size = 520, left = 66, bottom = 62, pad = 14, gap = 9;  // gap: a rate of 0 sits off the axis line
    const top = Math.max(1, ...c.terms.map((t) => Math.max(t[3], t[4])));
    const span = (v) => Math.log10(1 + v) / Math.log10(1 + top);
    const sx = (v) => left + gap + (size - left - gap - pad) * span(v);
    const sy = (v) => size - bottom - gap - (size - bottom - gap - pad) * span(v);
    const x0 = left, y0 = size - bottom;  // where the axes are drawn
    // terms with the same counts would sit on one spot: a small offset derived from the term separates them
    const jitter = (s, seed) => { let h = seed; for (const ch of s) h = (h * 31 + ch.codePointAt(0)) % 9973; return (h % 9) - 4; };
    const px = (t) => sx(t[3]) + jitter(t[0], 7), py = (t) => sy(t[4]) + jitter(t[0], 13);
    const svg = node("svg", { viewBox: "0 0 " + size + " " + size, role: "img", "aria-label": c.label });
    holder.appendChild(svg);
    const axes = node("g", { class: "axes" });
    svg.appendChild(axes);
    axes.appendChild(node("line", { x1: sx(0), y1: sy(0), x2: sx(top), y2: sy(top), stroke: "#ccc", "stroke-dasharray": "4 3" }));
    axes.appendChild(node("line", { x1: x0, y1: y0, x2: size - pad, y2: y0, stroke: "#888" }));
    axes.appendChild(node("line", { x1: x0, y1: y0, x2: x0, y2: pad, stroke: "#888" }));
    for (const v of ticks(top, (x) => sx(x), 28)) {
      axes.appendChild(node("line", { class: "tick-mark", x1: sx(v), y1: y0, x2: sx(v), y2: y0 + 4, stroke: "#888" }));
      axes.appendChild(node("text", { class: "tick x", x: sx(v), y: y0 + 15, "text-anchor": "middle" }, String(v)));
    }
    for (const v of ticks(top, (y) => sy(0) - sy(y), 18)) {
      axes.appendChild(node("line", { class: "tick-mark", x1: x0 - 4, y1: sy(v), x2: x0, y2: sy(v), stroke: "#888" }));
      axes.appendChild(node("text", { class: "tick y", x: x0 - 7, y: sy(v) + 3.5, "text-anchor": "end" }, String(v)));
    }
    // each axis title on two lines, Chinese then English, so that it fits beside a phone's narrower plot
    const title = (cls, x, y, rotate, side) => {
      const text = node("text", { class: "axis-title " + cls, "text-anchor": "middle",
        transform: "translate(" + x + " " + y + ")" + (rotate ? " rotate(-90)" : "") });
      text.appendChild(node("tspan", { x: 0, dy: 0 }, side + "：每万词频次（对数刻度）"));
      text.appendChild(node("tspan", { x: 0, dy: "1.25em" }, "rate per 10,000 tokens, log scale"));
      axes.appendChild(text);
    };
    title("x", (x0 + size - pad) / 2, size - 28, false, c.a);
    title("y", 13, (y0 + pad) / 2, true, c.b);
    const dots = node("g", { class: "dots" });
    svg.appendChild(dots);
    for (const t of c.terms) {
      const dot = node("circle", { cx: px(t).toFixed(1), cy: py(t).toFixed(1), r: 4, fill: colour(t[5]), "data-term": t[0] });
      dot.appendChild(node("title", {}, t[0] + "：" + c.a + " " + t[1] + "，" + c.b + " " + t[2] + "，z = " + t[5].toFixed(2)));
      dots.appendChild(dot);
    }
    // labels for the most distinctive terms of each side, each placed beside its dot where it covers
    // no other label and stays inside the plot; a term that finds no such place is named on hover only
    const ranked = [...c.terms].sort((p, q) => q[5] - p[5]);
    const candidates = [];
    const a = ranked.filter((t) => t[5] > 0).slice(0, 12), b = ranked.filter((t) => t[5] < 0).reverse().slice(0, 12);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i < a.length) candidates.push(a[i]);
      if (i < b.length) candidates.push(b[i]);
    }
    const labels = node("g", { class: "labels" });
    svg.appendChild(labels);
    // the dots of the labelled candidates are kept clear as well, so no label hides a term it does not name
    const placed = candidates.map((t) => ({ x: px(t) - 4, y: py(t) - 4, width: 8, height: 8 }));
    const plot = { x: x0 + 1, y: pad, width: size - pad - x0 - 1, height: y0 - pad - 1 };
    for (const [k, t] of candidates.entries()) {
      const x = px(t), y = py(t);
      const own = placed[k];
      own.width = 0;  // a label may touch its own dot
      const label = node("text", { class: "label", "data-term": t[0] }, t[0]);
      labels.appendChild(label);
      let fits = false;
      for (const [dx, dy, anchor] of [[7, 4, "start"], [-7, 4, "end"], [0, -8, "middle"], [0, 16, "middle"]]) {
        label.setAttribute("x", (x + dx).toFixed(1));
        label.setAttribute("y", (y + dy).toFixed(1));
        label.setAttribute("text-anchor", anchor);
        const box = label.getBBox();
        const inside = box.x >= plot.x && box.y >= plot.y && box.x + box.width <= plot.x + plot.width && box.y + box.height <= plot.y + plot.height;
        if (inside && !placed.some((p) => p.width && overlaps(p, box))) { placed.push({ x: box.x - 1, y: box.y - 1, width: box.width + 2, height: box.height + 2 }); fits = true; break; }
      }
      if (!fits) label.remove();
      own.width = 8;
    }
    const item = (t) => '<li><a href="#q=' + encodeURIComponent(t[0]) + '" data-term="' + esc(t[0]) + '">' + esc(t[0]) + "</a> " + t[1] + " : " + t[2] + "，z = " + t[5].toFixed(2) + "</li>";
    $("side-a").textContent = c.a;
    $("side-b").textContent = c.b;
    $("top-a").innerHTML = ranked.filter((t) => t[5] > 0).slice(0, 20).map(item).join("");
    $("top-b").innerHTML = ranked.filter((t) => t[5] < 0).reverse().slice(0, 20).map(item).join("");
  }

  // a term opened from a comparison is searched as the comparison counted it: whole words, in its region
  // (and report year for a comparison within one report), every part and year of it
  function openTerm(event) {
    const term = event.target.getAttribute("data-term");
    if (!term) return;
    event.preventDefault();
    const c = D.comparisons[Number($("cmp").value || 0)];
    $("q").value = term;
    $("mode-word").checked = true;
    $("region").value = c && c.region ? c.region : "";
    $("year").value = c && c.year ? String(c.year) : "";
    $("part").value = "";
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
  for (const id of ["region", "year", "part", "mode-word", "mode-sub"]) $(id).addEventListener("change", search);
  $("tab-search").addEventListener("click", () => show("search"));
  $("tab-compare").addEventListener("click", () => show("compare"));
  $("cmp").addEventListener("change", drawComparison);
  $("view-compare").addEventListener("click", openTerm);
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
