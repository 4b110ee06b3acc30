"""A static linked-data site: HTML for people, Turtle and JSON-LD for machines.

    >>> import citynet, citynet.publish.site
    >>> citynet.publish.site.publish(citynet.shipped_graph(), "public")      # doctest: +SKIP

**Where things are.** The site's paths mirror the IRIs: a path is the IRI with
``https://w3id.org/citynet/`` taken off, plus a suffix.

=============================================  ==========================================
IRI                                            files in OUTDIR
=============================================  ==========================================
``…/id/city/rostock`` (every data entity)      ``id/city/rostock.html``, ``.ttl``, ``.jsonld``
``…/id/city/`` (every kind of entity)          ``id/city/index.html`` (an index of the kind)
``…/def`` (the ontology)                       ``def.html`` (every term, anchored ``#Term``),
                                               ``def.ttl``, ``def.jsonld``
``…/def#CityNetwork`` (every ontology term)    ``def/CityNetwork.html``, ``.ttl``, ``.jsonld``;
                                               also ``def.html#CityNetwork``
``https://w3id.org/citynet/``                  ``index.html`` (the home page, with the map)
=============================================  ==========================================

Besides: ``style.css`` (the one stylesheet), ``map.svg`` (the home page's map as a
file), the downloads and the catalog and VoID files at the paths the catalog gives them
(``download/citynet.ttl`` …, ``catalog.ttl``, ``void.ttl`` …), the media types of all these
for web servers (``.htaccess`` for Apache, ``nginx-types.conf`` for nginx) and
``.citynet-site`` (a marker: only a folder holding it is ever replaced).

**One look, one set of templates.** Every page comes from the Jinja2 templates in
``templates/`` (autoescaped): the same ones ``citynet serve`` fills for its pages and its
query page. Each page's ``<link rel="canonical">`` is the address of the page itself
(``…/id/city/rostock.html``), which the static site and the server both answer.

A data entity is published when its IRI is ``…/id/{kind}/{slug}`` with slug characters
from ``A–Z a–z 0–9 - _ . ~`` (as every citynet slug is) and the slug is not ``index``;
a term when the ontology defines it (``rdfs:isDefinedBy``). Links to other entities
are relative (``../network/icncm.html``), so the site works from any folder, from
``file://`` and from any web server. No page loads anything from another host: the
CSS is local, the map is inline SVG, there is no script but JSON-LD data. Links to
sources and to Wikidata are ordinary external links.

**For a web server** that serves the IRIs with content negotiation,
:func:`render_page` gives one page's HTML with links under a ``base`` of your choice
(``render_page(graph, iri, base="/")`` links ``/id/network/icncm``, ``/style.css``,
``/id/network/icncm.ttl``), and :func:`render_data` its Turtle or JSON-LD; serve
:data:`CSS` at ``{base}style.css`` and :func:`render_map` at ``{base}map.svg``.
:func:`page_path` maps an IRI to its path.
"""

from citynet.publish.site.layout import Page
from citynet.publish.site.paths import page_path
from citynet.publish.site.render import render_data, render_map, render_page, render_resource_page, render_served_page
from citynet.publish.site.style import CSS
from citynet.publish.site.writer import MARKER, PublishResult, publish

__all__ = ["CSS", "MARKER", "Page", "PublishResult", "page_path", "publish", "render_data", "render_map",
           "render_page", "render_resource_page", "render_served_page"]
