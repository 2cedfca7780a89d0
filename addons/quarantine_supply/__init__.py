# This file is part of the quarantine_supply module.  See README.md.
