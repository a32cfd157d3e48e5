"""Static files storage for production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed files, with ES module imports rewritten to hashed names too.

    static/js/app.js imports the GOV.UK Frontend bundle; without the rewrite it would load the
    unhashed copy, which WhiteNoise can only cache for a minute instead of for ever.
    """

    support_js_module_import_aggregation = True
