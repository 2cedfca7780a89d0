"""PDF layouts drawn with reportlab.

The modules' Report classes gather the data and pass plain dicts here; this
package knows nothing of Tryton, so every layout is testable without a
database.
"""
