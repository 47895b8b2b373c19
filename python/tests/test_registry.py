# SPDX-License-Identifier: MIT
"""The registry as the package offers it: against http.HTTPStatus code by
code, with the intended differences of tests/registry_vs_python.py (the
same list the C registry is checked with, so the two cannot drift), and
against parser/registry.def field by field."""

import http
import importlib.util
import os
import sys
import unittest

import respcheck
from support import ROOT


def load_registry_script():
    path = os.path.join(ROOT, "tests", "registry_vs_python.py")
    spec = importlib.util.spec_from_file_location("registry_vs_python", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RVP = load_registry_script()
DEF = RVP.parse_def(os.path.join(ROOT, "parser", "registry.def"))
STATES = {"PERMANENT": "permanent", "TEMPORARY": "temporary",
          "DEPRECATED": "deprecated", "OBSOLETED": "obsoleted",
          "RESERVED": "reserved"}


def package_entries():
    """The package's registry in the shape registry_vs_python compares."""
    return {s.code: RVP.Entry(code=s.code, name=s.name, phrase=s.phrase,
                              description=s.description,
                              reference=s.reference, state=s.state,
                              expires=s.expires, aliases=list(s.aliases),
                              name_aliases=list(s.name_aliases))
            for s in respcheck.statuses()}


class AgainstHTTPStatus(unittest.TestCase):
    def test_differences_are_the_intended_ones(self):
        """Every difference from http.HTTPStatus is listed in INTENDED with
        its reason, and every listed one that should still occur does."""
        py, py_names = RVP.python_table()
        diffs = RVP.differences(package_entries(), py, py_names)
        unexpected = [d for d in diffs if RVP._intended_for(d) is None]
        self.assertEqual(unexpected, [], "differences not in INTENDED")
        used = {RVP.INTENDED.index(RVP._intended_for(d)) for d in diffs}
        for i, entry in enumerate(RVP.INTENDED):
            gone = entry.gone_in is not None and sys.version_info >= entry.gone_in
            if not gone:
                self.assertIn(i, used, "stale intended difference %r" % (entry,))

    def test_every_python_code_is_known(self):
        for member in http.HTTPStatus:
            s = respcheck.status(member.value)
            self.assertEqual(s, member.value)
            self.assertTrue(s.state != "unregistered", member)
            # Python's name and phrase find the same entry, whatever their
            # age (current, former, or an alias of a reserved code).
            self.assertEqual(respcheck.status_by_name(member.name), s)
            self.assertEqual(respcheck.status_by_phrase(member.phrase), s)

    def test_class_predicates(self):
        for code in range(0, 1000):
            s = respcheck.status(code)
            first = code // 100 if 100 <= code <= 599 else None
            self.assertEqual(s.is_informational, first == 1, code)
            self.assertEqual(s.is_success, first == 2, code)
            self.assertEqual(s.is_redirection, first == 3, code)
            self.assertEqual(s.is_client_error, first == 4, code)
            self.assertEqual(s.is_server_error, first == 5, code)
            if code in http.HTTPStatus._value2member_map_ and \
                    hasattr(http.HTTPStatus, "is_success"):  # Python 3.12
                m = http.HTTPStatus(code)
                self.assertEqual(s.is_success, m.is_success)
                self.assertEqual(s.is_client_error, m.is_client_error)


class AgainstRegistryDef(unittest.TestCase):
    def test_every_entry(self):
        got = respcheck.statuses()
        self.assertEqual([s.code for s in got], [e.code for e in DEF])
        for s, e in zip(got, DEF):
            with self.subTest(code=e.code):
                self.assertEqual(s.name, e.name)
                self.assertEqual(s.phrase, e.phrase)
                self.assertEqual(s.description, e.description)
                self.assertEqual(s.reference, e.reference)
                self.assertEqual(s.state, STATES[e.state])
                self.assertEqual(s.expires, e.expires)
                self.assertEqual(s.aliases, tuple(e.aliases))
                self.assertEqual(s.name_aliases, tuple(e.name_aliases))
                self.assertEqual(s.is_registered, e.state != "RESERVED")
                self.assertEqual(s.effective, e.code if e.state != "RESERVED"
                                 else e.code // 100 * 100)
                for name in [e.name, *e.name_aliases]:
                    self.assertIs(respcheck.status_by_name(name), s)
                # "(Unused)" names two reserved codes: not a lookup key.
                phrases = e.aliases if e.state == "RESERVED" \
                    else [e.phrase, *e.aliases]
                for phrase in phrases:
                    self.assertIs(respcheck.status_by_phrase(phrase), s)
                    self.assertIs(respcheck.status_by_phrase(phrase.upper()), s)

    def test_unregistered_codes(self):
        known = {e.code for e in DEF}
        for code in range(0, 1000):
            if code in known:
                continue
            s = respcheck.status(code)
            self.assertEqual((s.state, s.name, s.phrase, s.is_registered),
                             ("unregistered", None, None, False), code)
            self.assertEqual(s.aliases, ())
            want = code // 100 * 100 if 100 <= code <= 599 else 500
            self.assertEqual(s.effective, want, code)

    def test_the_examples(self):
        s = respcheck.status(404)
        self.assertEqual((s.code, s.name, s.phrase, s.state),
                         (404, "NOT_FOUND", "Not Found", "permanent"))
        self.assertEqual(s.reference, "RFC 9110, Section 15.5.5")
        self.assertEqual(respcheck.status(399).effective, 300)
        self.assertEqual(respcheck.status(418).effective, 400)
        self.assertEqual(respcheck.status(418).name_aliases, ("IM_A_TEAPOT",))
        self.assertEqual(respcheck.status(413).aliases,
                         ("Payload Too Large", "Request Entity Too Large"))
        self.assertRaises(KeyError, respcheck.status_by_phrase, "(Unused)")
        self.assertEqual(respcheck.status(1).effective, 500)
        self.assertEqual(respcheck.status_by_phrase("payload too large"), 413)
        self.assertEqual(respcheck.status(104).state, "temporary")
        self.assertRegex(respcheck.status(104).expires, r"^\d{4}-\d\d-\d\d$")

    def test_status_behaves_as_its_int(self):
        s = respcheck.status(404)
        self.assertIs(respcheck.status(404), s)
        self.assertIs(respcheck.status(s), s)
        self.assertEqual(int(s), 404)
        self.assertEqual(s, 404)
        self.assertEqual(s, http.HTTPStatus.NOT_FOUND)
        self.assertNotEqual(s, 405)
        self.assertLess(s, 405)
        self.assertEqual(hash(s), hash(404))
        self.assertEqual({404: "x"}[s], "x")
        self.assertEqual([0, 1][respcheck.status(1)], 1)  # __index__
        self.assertEqual(s.value, 404)
        self.assertIn("NOT_FOUND", repr(s))
        self.assertIn("unregistered", repr(respcheck.status(299)))

    def test_errors(self):
        for bad in (-1, 1000, 2 ** 80):
            self.assertRaises(ValueError, respcheck.status, bad)
        for bad in ("404", 404.0, None, True):
            self.assertRaises(TypeError, respcheck.status, bad)
        self.assertRaises(KeyError, respcheck.status_by_name, "NOPE")
        self.assertRaises(KeyError, respcheck.status_by_name, "not_found")
        self.assertRaises(KeyError, respcheck.status_by_phrase, "Not Founds")
        self.assertRaises(TypeError, respcheck.status_by_name, 404)

    def test_registry_date(self):
        self.assertEqual(respcheck.registry_date(), respcheck.REGISTRY_DATE)
        self.assertIn(respcheck.REGISTRY_DATE, respcheck.version())


if __name__ == "__main__":
    unittest.main()
