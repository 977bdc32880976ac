// Numbered schema migrations for the SQLite store. Each runs in its own
// transaction; the applied versions are kept in schema_migrations. A store
// whose version is newer than this binary's is refused, not touched.
#pragma once

#include <string>
#include <vector>

namespace tongdai::sqlite {

class Db;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& migrations();
int latestSchemaVersion();
// Returns "" on success or a message for the operator.
std::string migrate(Db& db);

}  // namespace tongdai::sqlite
