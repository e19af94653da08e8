"""The web application's frame: the base page, navigation, sign-in, the language switch, maps'
boundaries, vendored front-end assets, and the caching of page analytics by data version."""
