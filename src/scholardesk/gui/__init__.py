"""The Qt front end. PySide6 and pyqtgraph are imported only under this package.

Nothing here imports Qt at package import time: ``system_check`` must run before Qt loads.
"""
