"""The report's pages, one module per page (or kind of page): each turns :class:`~perr_graph.report.data.ReportData`
into the context of its template in ``perr_graph/report/templates`` and names that template."""
