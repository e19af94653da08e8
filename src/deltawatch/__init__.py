"""DeltaWatch — 长三角一体化发展监测评估系统.

``deltawatch.methods`` is a plain pandas/NumPy library (no Django); the rest of the
package is the Django application and the ``deltawatch`` command.
"""

__version__ = "0.1.0"
