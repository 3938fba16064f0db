/* The search page of the report: filters the commitments held in the page's JSON block. No request of any kind:
   the data are in the page, the filters in the address's fragment (#partner=…&role=…). */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var UI = D.ui;
  var KEYS = ["q", "partner", "role", "category", "pillar", "theme", "territory", "lead", "strongest", "page"];
  var SELECTS = [["partner", D.partners], ["role", D.roles], ["pillar", D.pillars], ["theme", D.themes],
                 ["territory", D.territories]];
  var NONE_OK = {pillar: true, theme: true};

  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, k) { return String(values[k]); });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function indexOf(table, key) {
    for (var i = 0; i < table.length; i++) { if (table[i][0] === key) { return i; } }
    return -2;
  }

  var texts = D.c.map(function (c) { return fold(c[5]); });
  var strongest = D.c.map(function (c) {
    var best = -1;
    c[6].forEach(function (inv) { if (best < 0 || inv[1] < best) { best = inv[1]; } });
    return best;
  });

  function readHash() {
    var f = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) { return; }
      var i = part.indexOf("=");
      var k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
      var v = i < 0 ? "" : decodeURIComponent(part.slice(i + 1));
      if (KEYS.indexOf(k) >= 0 && v !== "") { f[k] = v; }
    });
    return f;
  }
  function writeHash(f) {
    var parts = [];
    KEYS.forEach(function (k) { if (f[k]) { parts.push(k + "=" + encodeURIComponent(f[k])); } });
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== location.hash) { history.replaceState(null, "", location.pathname + location.search + hash); }
  }

  function matcher(f) {
    var t = f.territory ? indexOf(D.territories, f.territory) : null;
    var p = f.partner ? indexOf(D.partners, f.partner) : null;
    var r = f.role ? indexOf(D.roles, f.role) : null;
    var cat = f.category ? indexOf(D.categories, f.category) : null;
    var pil = f.pillar ? (f.pillar === "none" ? -1 : indexOf(D.pillars, f.pillar)) : null;
    var th = f.theme ? (f.theme === "none" ? -1 : indexOf(D.themes, f.theme)) : null;
    var st = f.strongest ? (f.strongest === "none" ? -1 : indexOf(D.roles, f.strongest)) : null;
    var words = f.q ? fold(f.q).split(/\s+/).filter(Boolean) : [];
    var byInvolvement = p !== null || r !== null || cat !== null;
    return function (c, n) {
      if (t !== null && c[0] !== t) { return false; }
      if (pil !== null && c[3] !== pil) { return false; }
      if (th !== null && (th === -1 ? c[4].length !== 0 : c[4].indexOf(th) < 0)) { return false; }
      if (f.lead && String(c[7]) !== f.lead) { return false; }
      if (st !== null && strongest[n] !== st) { return false; }
      if (byInvolvement && !c[6].some(function (inv) {
        return (p === null || inv[0] === p) && (r === null || inv[1] === r) &&
               (cat === null || D.partners[inv[0]][3] === cat);
      })) { return false; }
      for (var i = 0; i < words.length; i++) { if (texts[n].indexOf(words[i]) < 0) { return false; } }
      return true;
    };
  }

  function fillSelects(f) {
    SELECTS.forEach(function (pair) {
      var name = pair[0], table = pair[1], s = document.getElementById("f-" + name);
      if (!s.options.length) {
        s.appendChild(el("option", {value: ""}, UI.all));
        if (NONE_OK[name]) { s.appendChild(el("option", {value: "none"}, UI.none)); }
        var order = table.map(function (row, i) { return i; });
        if (name === "partner" || name === "territory") {
          order.sort(function (a, b) { return table[a][1].localeCompare(table[b][1]); });
        }
        order.forEach(function (i) { s.appendChild(el("option", {value: table[i][0]}, table[i][1])); });
        s.addEventListener("change", function () { var g = readHash(); g[name] = s.value; delete g.page; writeHash(g); render(); });
      }
      s.value = f[name] || "";
    });
    var q = document.getElementById("f-q");
    q.value = f.q || "";
  }

  function lineCell(c) {
    var terr = D.territories[c[0]], td = el("td", {"class": "num"});
    if (terr[3]) { td.appendChild(el("a", {href: terr[3] + "#L" + c[2]}, "L" + c[2])); } else { td.textContent = "L" + c[2]; }
    return td;
  }
  function partnersCell(c) {
    var td = el("td"), together = 0;
    c[6].forEach(function (inv) {
      var role = D.roles[inv[1]] || ["", ""], who = D.partners[inv[0]];
      if (role[0] === "signataires-collectivement") { together += 1; return; }
      var a = el("a", {href: who[2], "class": "chip role-" + role[0], title: role[1]}, who[1]);
      td.appendChild(a);
    });
    if (together) { td.appendChild(el("span", {"class": "chip role-signataires-collectivement"}, together + " " + UI.signatories)); }
    if (!c[6].length) { td.appendChild(el("span", {"class": "muted small"}, UI.no_partner)); }
    return td;
  }
  function row(c) {
    var terr = D.territories[c[0]], tr = el("tr", {"data-c": terr[0] + ":" + c[1]});
    tr.setAttribute("data-partners", c[6].map(function (inv) { return D.partners[inv[0]][0]; }).join(" "));
    var t = el("td"); t.appendChild(el("a", {href: terr[2]}, terr[1])); tr.appendChild(t);
    tr.appendChild(lineCell(c));
    var x = el("td"); x.appendChild(el("a", {href: terr[2] + "#c-" + c[1]}, c[5])); tr.appendChild(x);
    tr.appendChild(el("td", null, c[3] >= 0 ? D.pillars[c[3]][1] : ""));
    tr.appendChild(el("td", {"class": "small"}, c[4].map(function (i) { return D.themes[i][1]; }).join(", ")));
    tr.appendChild(partnersCell(c));
    return tr;
  }

  function csv(rows) {
    function q(v) { v = String(v); return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }
    var lines = [[UI.head_territory, UI.head_line, UI.head_text, UI.head_pillar, UI.head_themes, UI.head_partners].map(q).join(",")];
    rows.forEach(function (c) {
      lines.push([D.territories[c[0]][1], c[2], c[5], c[3] >= 0 ? D.pillars[c[3]][1] : "",
        c[4].map(function (i) { return D.themes[i][1]; }).join("; "),
        c[6].map(function (inv) { return D.partners[inv[0]][1] + " (" + (D.roles[inv[1]] || ["", ""])[1] + ")"; }).join("; ")
      ].map(q).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  function active(f) {
    var p = document.getElementById("active");
    p.textContent = "";
    var extra = [];
    if (f.category) { var i = indexOf(D.categories, f.category); extra.push(UI.category + " : " + (i >= 0 ? D.categories[i][1] : f.category)); }
    if (f.lead) { extra.push(f.lead === "1" ? UI.lead_yes : UI.lead_no); }
    if (f.strongest) { var j = indexOf(D.roles, f.strongest); extra.push(UI.strongest + " : " + (f.strongest === "none" ? UI.no_partner : (j >= 0 ? D.roles[j][1] : f.strongest))); }
    extra.forEach(function (text) { p.appendChild(el("span", {"class": "tag"}, text)); });
    if (Object.keys(f).length) {
      var clear = el("a", {href: "#"}, UI.clear);
      clear.addEventListener("click", function (e) { e.preventDefault(); writeHash({}); render(); });
      p.appendChild(clear);
    }
  }

  function render() {
    var f = readHash();
    fillSelects(f);
    active(f);
    var test = matcher(f), found = [];
    D.c.forEach(function (c, n) { if (test(c, n)) { found.push(c); } });
    var pages = Math.max(1, Math.ceil(found.length / D.page));
    var page = Math.min(Math.max(1, parseInt(f.page || "1", 10) || 1), pages);
    var count = document.getElementById("count");
    count.setAttribute("data-count", String(found.length));
    count.textContent = fmt((found.length === 1 || (found.length === 0 && UI.zero_is_singular)) ? UI.count_one : UI.count_many, {num: found.length.toLocaleString(document.documentElement.lang)}) +
      " " + fmt(UI.of, {num: D.c.length.toLocaleString(document.documentElement.lang)});
    var link = el("a", {href: "#", "class": "small", download: "engagements.csv"}, UI.csv);
    link.addEventListener("click", function () {
      link.href = URL.createObjectURL(new Blob([csv(found)], {type: "text/csv;charset=utf-8"}));
    });
    count.appendChild(document.createTextNode(" · "));
    count.appendChild(link);
    var table = document.getElementById("results"), head = table.tHead, body = table.tBodies[0];
    if (!head.rows.length) {
      var tr = el("tr");
      [UI.head_territory, UI.head_line, UI.head_text, UI.head_pillar, UI.head_themes, UI.head_partners].forEach(function (h) { tr.appendChild(el("th", null, h)); });
      head.appendChild(tr);
    }
    body.textContent = "";
    found.slice((page - 1) * D.page, page * D.page).forEach(function (c) { body.appendChild(row(c)); });
    var pager = document.getElementById("pager");
    pager.textContent = "";
    if (pages > 1) {
      [[UI.previous, page - 1], [fmt(UI.page, {page: page, pages: pages}), 0], [UI.next, page + 1]].forEach(function (b) {
        if (!b[1]) { pager.appendChild(el("span", null, " " + b[0] + " ")); return; }
        if (b[1] < 1 || b[1] > pages) { return; }
        var a = el("a", {href: "#"}, b[0]);
        a.addEventListener("click", function (e) { e.preventDefault(); var g = readHash(); g.page = String(b[1]); writeHash(g); render(); window.scrollTo(0, 0); });
        pager.appendChild(a);
      });
    }
  }

  var timer = null;
  document.getElementById("f-q").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { var g = readHash(); g.q = document.getElementById("f-q").value; delete g.page; writeHash(g); render(); }, 150);
  });
  window.addEventListener("hashchange", render);
  render();
}());
