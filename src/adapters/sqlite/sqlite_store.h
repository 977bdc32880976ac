// SQLite implementation of core::store::Store: WAL mode, one writer thread
// with group commit (BEGIN IMMEDIATE, synchronous=FULL, a savepoint per write
// so one failing write does not undo its neighbours), a pool of readers.
#pragma once

#include <memory>
#include <string>

#include "core/store/store.h"

namespace tongdai::sqlite {

struct SqliteOptions {
  std::string path;           // the database file
  std::size_t max_batch = 256;  // writes per transaction at most
};

// Opens (creating) the store and runs migrations. Error text for the
// operator when the store cannot be used (newer schema, unreadable file).
core::Result<std::unique_ptr<core::store::Store>> openSqliteStore(const SqliteOptions& options);

}  // namespace tongdai::sqlite
