"""The media type of every kind of file the site holds, for web servers that serve the folder as
it is: ``publish`` writes them as an Apache ``.htaccess`` and an nginx ``types`` snippet
(``nginx-types.conf``). Without them a server may send ``.ttl`` or ``.jsonld`` as
``application/octet-stream``, and a harvester that checks the catalog's ``dcat:mediaType``
against the answer finds them differ."""

from __future__ import annotations

from citynet.publish.exports import MEDIA_TYPES, SUFFIXES

#: Suffix → media type: the pages, the stylesheet, the map, and every download and data file.
SITE_MEDIA_TYPES: dict[str, str] = {
    ".html": "text/html", ".css": "text/css", ".svg": "image/svg+xml",
    **{SUFFIXES[fmt]: MEDIA_TYPES[fmt] for fmt in MEDIA_TYPES},
}
HTACCESS = ".htaccess"
NGINX_TYPES = "nginx-types.conf"


def htaccess() -> str:
    """For Apache httpd: AddType and AddCharset (``AllowOverride FileInfo`` lets them apply)."""
    lines = ["# Written by citynet publish: the media types of this site's files, for Apache httpd.",
             "# It applies where the server allows it (AllowOverride FileInfo); else copy the lines",
             "# into the server's configuration.", ""]
    lines += [f"AddType {media_type} {suffix}" for suffix, media_type in SITE_MEDIA_TYPES.items()]
    lines += ["", "# Every file is UTF-8.", "AddCharset utf-8 " + " ".join(SITE_MEDIA_TYPES)]
    return "\n".join(lines) + "\n"


def nginx_types() -> str:
    """For nginx: a ``types`` block to include where the site is served. It replaces nginx's
    own table there, so it names every kind of file the site has."""
    width = max(len(media_type) for media_type in SITE_MEDIA_TYPES.values())
    lines = ["# Written by citynet publish: the media types of this site's files, for nginx.",
             "# Include it in the server or location block that serves the site:",
             "#     location /citynet/ { alias /srv/citynet-site/; include /srv/citynet-site/nginx-types.conf; }",
             "types {"]
    lines += [f"    {media_type:<{width}} {suffix.lstrip('.')};" for suffix, media_type in SITE_MEDIA_TYPES.items()]
    lines += ["}", "# Every file is UTF-8.", "charset utf-8;",
              # text/html is always one of them: naming it again makes nginx warn
              "charset_types " + " ".join(sorted(set(SITE_MEDIA_TYPES.values()) - {"text/html"})) + ";"]
    return "\n".join(lines) + "\n"
