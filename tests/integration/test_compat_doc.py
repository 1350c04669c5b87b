"""docs/compatibility.md must match what the server registers: every command Lunar serves is
listed as done or partial, and nothing listed as done or partial is missing."""

import os
import re
import unittest

import harness


@unittest.skipIf(harness.lunar_is_redis(), "checks Lunar's own table")
class TestCompatDoc(unittest.TestCase):
    def test_table_matches_server(self):
        path = os.path.join(harness.SOURCE_DIR, "docs", "compatibility.md")
        listed = {}
        for line in open(path):
            m = re.match(r"\| ([A-Z0-9_|.\-]+) \| [^|]* \| (done|partial|not yet) \|", line)
            if m:
                listed[m.group(1).lower()] = m.group(2)
        self.assertGreater(len(listed), 200, "command table missing from compatibility.md")
        with harness.start_lunar() as s, s.client() as c:
            served = set()
            for entry in c.call_parsed("COMMAND"):
                served.add(entry[0].decode())
                for sub in entry[9]:
                    served.add(sub[0].decode())
        redis_names = set(listed)
        missing_from_doc = sorted(n for n in served & redis_names if listed[n] == "not yet")
        claimed_but_absent = sorted(n for n, st in listed.items()
                                    if st != "not yet" and n not in served)
        self.assertEqual(missing_from_doc, [],
                         "served but marked 'not yet': run scripts/compat_table.py")
        self.assertEqual(claimed_but_absent, [],
                         "marked done/partial but not served: run scripts/compat_table.py")


if __name__ == "__main__":
    harness.main()
