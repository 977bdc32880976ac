"""Subcommands that need no server: registry parse-id and plan."""

import json
import unittest

from helpers import run_cli


class ParseId(unittest.TestCase):
    def parse(self, number):
        res = run_cli(["registry", "parse-id", number])
        return res.returncode, json.loads(res.stdout)

    def test_valid_numbers(self):
        rc, out = self.parse("079305001234")
        self.assertEqual(rc, 0)
        self.assertEqual((out["valid"], out["province_code"], out["province"], out["gender"], out["birth_year"]),
                         (True, "079", "TP Hồ Chí Minh", "female", 2005))
        rc, out = self.parse("001085012345")
        self.assertEqual((rc, out["gender"], out["birth_year"], out["province"]), (0, "male", 1985, "Hà Nội"))

    def test_errors_have_codes(self):
        for number, code in [("000123456789", "citizen_id_unknown_province"), ("12345", "citizen_id_length"),
                             ("07930500123x", "citizen_id_not_digits"), ("079405001234", "citizen_id_century")]:
            with self.subTest(number=number):
                rc, out = self.parse(number)
                self.assertNotEqual(rc, 0)
                self.assertFalse(out["valid"])
                self.assertEqual(out["error"]["code"], code)
        self.assertIn("000", self.parse("000123456789")[1]["error"]["message"])


class Plan(unittest.TestCase):
    def test_published_erlang_c_example(self):
        res = run_cli(["plan", "--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "14",
                       "--target-s", "20", "--json"])
        self.assertEqual(res.returncode, 0, res.stderr)
        out = json.loads(res.stdout)
        self.assertAlmostEqual(out["p_wait"], 0.1741, places=3)
        self.assertAlmostEqual(out["service_level"], 0.888, places=3)
        self.assertAlmostEqual(out["asa_s"], 7.8, places=1)

    def test_smallest_agents_for_a_target_and_bad_input(self):
        res = run_cli(["plan", "--arrivals-per-hour", "200", "--aht-s", "180", "--target-s", "20",
                       "--service-level", "0.8", "--json"])
        self.assertEqual(json.loads(res.stdout)["agents"], 14)
        bad = run_cli(["plan", "--arrivals-per-hour", "200", "--aht-s", "0", "--target-s", "20"])
        self.assertEqual(bad.returncode, 2)
        self.assertIn("Lỗi", bad.stderr)


class Simulate(unittest.TestCase):
    def run_sim(self, *extra):
        res = run_cli(["simulate", "--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "14",
                       "--seed", "7", "--json"] + list(extra), timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr)
        return json.loads(res.stdout)

    def test_deterministic_and_close_to_erlang_c(self):
        a, b = self.run_sim("--hours", "300"), self.run_sim("--hours", "300")
        self.assertEqual(a["metrics"]["total"], b["metrics"]["total"])
        self.assertAlmostEqual(a["metrics"]["total"]["service_level"], 0.888, delta=0.03)

    def test_public_holidays_close_the_hotline(self):
        tet = self.run_sim("--business-hours", "--start", "2026-02-20", "--hours", "10")
        after = self.run_sim("--business-hours", "--start", "2026-02-23", "--hours", "10")
        self.assertEqual(tet["metrics"]["total"]["answered"], 0)
        self.assertGreater(after["metrics"]["total"]["answered"], 1500)

    def test_bad_input(self):
        res = run_cli(["simulate", "--arrivals-per-hour", "200", "--aht-s", "180", "--agents", "14",
                       "--start", "2026-02-30"])
        self.assertEqual(res.returncode, 2)


if __name__ == "__main__":
    unittest.main()
