"""Publishing the graph: exports in RDF and table formats, the DCAT-AP.de catalog and VoID,
and the static linked-data site."""
