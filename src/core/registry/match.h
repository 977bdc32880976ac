// Ranking of name + birth-date candidates, shared by every backend so that
// SQLite, PostgreSQL and the HTTP adapter return the same order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/registry/model.h"

namespace tongdai::core::registry {

// The key backends index names on: foldForSearch(full_name), e.g.
// "Đặng Thị Thuỷ" -> "dang thi thuy". Candidates share key and birth year.
std::string nameKey(std::string_view full_name);

// Scores one person against a query whose key and birth year it already
// shares; < 0 when it must be dropped (a known birth month/day disagrees).
// Points: exact name as written (NFC, case-insensitive) 40; birth date equal
// to the day 30 (15 for the month, 15 for the day); the ID number's province
// code equal to the query's 20.
int scoreCandidate(const NameQuery& q, const Person& p);

// Caller verification: every part of the birth date the record knows must be
// stated and equal ("1985" does not verify a record that knows 14/03/1985;
// any date of 1939 verifies a record that knows only 1939).
bool birthDateVerifies(const PartialDate& stated, const PartialDate& record);

// Scores, drops the negatives, sorts by score then ID, truncates to q.limit.
std::vector<Candidate> rankCandidates(const NameQuery& q, std::vector<Person> people);

}  // namespace tongdai::core::registry
