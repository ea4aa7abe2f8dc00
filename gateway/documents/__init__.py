"""Official documents and forms from the platform's data (zh-CN): DOCX, PDF, XLSX.

`settings` (the county's names), `model` (a document as blocks, its canonical text and hash),
`template` (one Jinja2 text template per kind, adaptable by an office), `pdf` and `docx`
(the GB/T 9704-2012 layout), `numbering` (issued documents: events in the gateway schema),
`sources` (the data of each kind, read over RPC). See docs/documents.md.
"""
