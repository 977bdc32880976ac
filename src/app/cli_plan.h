// `tongdai plan`: the Erlang C / Erlang A capacity planner on the command line.
// One load (evaluate a headcount, or find the smallest one meeting a service
// level) or a half-hourly demand curve from CSV.
#pragma once

namespace CLI {
class App;
}  // namespace CLI

namespace tongdai::app {

// Registers the `plan` subcommand on `app`; its option values live in
// cli_plan.cc until runPlan() reads them.
CLI::App* addPlanCommand(CLI::App& app);

// Runs `plan` after CLI11 has parsed the command line. Returns the exit code:
// 0, or 2 with a Vietnamese message on stderr for bad input.
int runPlan();

}  // namespace tongdai::app
