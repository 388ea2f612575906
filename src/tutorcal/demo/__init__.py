"""Demo mode (``TUTORCAL_DEMO=true``, what ``make run`` starts): the built-in Google emulator
mounted at ``/_google``, kept to this computer (``guard``); the demo tutors and students set
up through the same HTTP flows a browser uses (``setup``); and the banner (``banner``)."""
