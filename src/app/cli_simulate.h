// `tongdai simulate`: runs the hotline simulator (core/simulation) from the
// command line and prints its metrics, as JSON or as a short Vietnamese
// summary. Registering and running are split so main() keeps one CLI11_PARSE.
#pragma once

namespace CLI {
class App;
}  // namespace CLI

namespace tongdai::app {

// Registers `simulate` and its options on `app`; returns the subcommand, so
// main() can test app.got_subcommand(returned) and then call runSimulate().
CLI::App* addSimulateCommand(CLI::App& app);

// Runs the simulation with the parsed options. Exit code: 0, or 2 (with a
// Vietnamese message on stderr) for invalid options or unreadable files.
int runSimulate();

}  // namespace tongdai::app
