"""The SPASER indicators: what they are and their settings (config), their SQL aggregates
(queries, declarations, trends) gathered by `service.compute_indicators`, who may read them
(scope), how they read (format, and charts drawn with the SVG primitives of svg), the contracts
and declarations behind each figure (drilldown), the CSV/XLSX exports, the pages and the API."""
