"""The Review times area of the window: its page and the widgets only it uses."""
