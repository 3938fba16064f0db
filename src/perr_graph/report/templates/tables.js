/* The downloads of a page's tables, made in the browser from the rows the page holds (the JSON block "tables",
   written by perr_graph.report.downloads): a link <a data-table="ID" data-format="csv|xlsx" download="NAME">
   saves table ID as CSV, or the page's workbook (a sheet per table) as XLSX with write-excel-file (vendored from
   npm, loaded before this script). Nothing is fetched: the page opens from disk. window.perrTables.blob(id,
   format) gives the file as a Blob (the tests read it). */
(function () {
  "use strict";
  var block = document.getElementById("tables");
  if (!block) { return; }
  var T = JSON.parse(block.textContent), byId = {};
  T.tables.forEach(function (t) { byId[t.id] = t; });

  /* a cell as text, as perr_graph.terminal.plain_value writes it: decimals to at most 4 places */
  function text(v) {
    if (v === null || v === undefined) { return ""; }
    if (typeof v === "number" && !Number.isInteger(v)) { return v.toFixed(4).replace(/0+$/, "").replace(/\.$/, ""); }
    return String(v);
  }
  function quoted(v) {
    v = text(v);
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function csv(t) {
    var lines = [t.columns.map(quoted).join(",")];
    t.rows.forEach(function (r) { lines.push(r.map(quoted).join(",")); });
    return new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"});
  }
  function sheet(t) {
    var widths = t.columns.map(function (c) { return c.length; });
    t.rows.forEach(function (r) {
      r.forEach(function (v, j) { if (j < widths.length) { widths[j] = Math.max(widths[j], Math.min(text(v).length, 60)); } });
    });
    var head = t.columns.map(function (c) { return {value: c, fontWeight: "bold"}; });
    var rows = t.rows.map(function (r) { return r.map(function (v) { return v === "" ? null : v; }); });
    return {
      data: [head].concat(rows),
      sheet: t.sheet,
      columns: widths.map(function (w) { return {width: w + 2}; }),
      stickyRowsCount: 1
    };
  }
  function blob(id, format) {
    if (format === "csv") { return Promise.resolve(csv(byId[id])); }
    return writeXlsxFile(T.tables.map(sheet)).toBlob();
  }
  function save(file, name) {
    var a = document.createElement("a"), url = URL.createObjectURL(file);
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }
  window.perrTables = {data: T, blob: blob};
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[data-format]") : null;
    if (!a) { return; }
    e.preventDefault();
    blob(a.getAttribute("data-table"), a.getAttribute("data-format")).then(function (file) {
      save(file, a.getAttribute("download"));
    });
  });
})();
