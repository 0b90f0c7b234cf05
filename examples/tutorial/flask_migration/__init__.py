"""Tutorial 5's app, halfway through a migration from Flask (docs/tutorial/from-flask.md).

``legacy.py`` is the old Flask app, ``app.py`` the Responder app that mounts it
under ``/legacy`` and answers the routes already moved. Run it from the
repository's root with::

    responder run examples.tutorial.flask_migration.app:api

then ``curl -i localhost:5042/notes`` (Responder) or ``curl -iL
localhost:5042/stats`` (Flask, through the mount): the ``X-Served-By`` header
says which one answered.
"""
