// _signrate: the Python module's compiled half (python/signrate/__init__.py is the other). Each
// function takes its command's options as the command line's words (a dict of str), runs the
// same work as the CLI (signrate/frontend/jobs.hpp) with the GIL released, and returns the CLI's
// JSON text. Bad input raises ValueError and a failed run RuntimeError, with the CLI's one-line
// message; Ctrl-C stops the work at its next progress report and raises KeyboardInterrupt.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "signrate/analysis/verify.hpp"
#include "signrate/distributed.hpp"
#include "signrate/error.hpp"
#include "signrate/frontend/common.hpp"
#include "signrate/frontend/jobs.hpp"
#include "signrate/io/run_output.hpp"
#include "signrate/io/sweep_io.hpp"
#include "signrate/io/verify_io.hpp"
#include "signrate/method.hpp"
#include "signrate/oracle.hpp"
#include "signrate/problem.hpp"
#include "signrate/schedule.hpp"
#include "signrate/version.hpp"

namespace py = pybind11;
using Words = std::map<std::string, std::string>;

namespace signrate::python {

namespace {

// A Progress that shows nothing: it is there to be stopped.
class Silent : public Progress {
  void show(const Snapshot&) override {}
};

// Runs work(progress) on a thread of its own while this thread, the GIL released, waits for it and
// every 50 ms lets Python look at its signals; on Ctrl-C it stops the work (which ends at its next
// progress report) and raises KeyboardInterrupt, with nothing returned.
template <class Work>
auto interruptibly(Work work) -> decltype(work(static_cast<Progress*>(nullptr))) {
  using Result = decltype(work(static_cast<Progress*>(nullptr)));
  Silent progress;
  std::optional<Result> out;
  std::exception_ptr error;
  std::mutex m;
  std::condition_variable cv;
  bool done = false, interrupted = false;
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        out.emplace(work(&progress));
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(m);
      done = true;
      cv.notify_one();
    });
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(m);
        if (cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) break;
      }
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        interrupted = true;
        progress.stop();
        break;
      }
    }
    worker.join();
  }
  if (interrupted) throw py::error_already_set();  // the KeyboardInterrupt PyErr_CheckSignals set
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

std::string word(const Words& w, const std::string& key) {
  const auto it = w.find(key);
  return it == w.end() ? std::string() : it->second;
}

// The experiment's keywords are gather_spec's keys (cli::spec_keys); the others name options.
cli::SpecFlags spec_flags(const Words& w) {
  cli::SpecFlags f;
  std::vector<cli::SpecKey> keys = cli::spec_keys();
  keys.insert(keys.end(), {{"spec", &cli::SpecFlags::spec_file},
                           {"max_memory", &cli::SpecFlags::max_memory},
                           {"threads", &cli::SpecFlags::threads},
                           {"block", &cli::SpecFlags::block},
                           {"device", &cli::SpecFlags::device}});
  for (const auto& [key, member] : keys)
    if (const std::string v = word(w, key); !v.empty()) f.*member = v;
  return f;
}

std::string run(const Words& w, const std::string& command) {
  const cli::PreparedRun prepared = cli::prepare_run(spec_flags(w));
  return interruptibly([&](Progress* progress) {
    const Experiment experiment = make_experiment(prepared.spec);
    EngineOptions engine = prepared.engine;
    engine.progress = progress;
    const RunResult result = signrate::run(experiment, engine);
    engine.progress = nullptr;
    nlohmann::json j = run_json(experiment, result, engine);
    j["command"] = command;
    return cli::json_text(j);
  });
}

std::string sweep(const Words& w, const std::vector<std::string>& vary, const std::string& command) {
  const cli::PreparedSweep prepared = cli::prepare_sweep(spec_flags(w), vary);
  return interruptibly([&](Progress* progress) {
    EngineOptions engine = prepared.engine;
    engine.progress = progress;
    SweepResult result = run_sweep(prepared.spec, engine);
    result.command = command;
    return cli::json_text(sweep_json(result));
  });
}

std::string fit(const std::string& input, const Words& w) {
  cli::FitFlags f;
  for (const auto& [key, slot] : {std::pair{"measure", &f.measure},
                                  {"part", &f.part},
                                  {"bootstrap", &f.bootstrap},
                                  {"level", &f.level},
                                  {"seed", &f.seed},
                                  {"family", &f.family}})
    if (const std::string v = word(w, key); !v.empty()) *slot = v;
  const nlohmann::json doc = cli::parse_json_text(input, "fit");
  return cli::json_text(interruptibly([&](Progress*) { return cli::fit_input(doc, f).json; }));
}

// (the verify JSON, the table verify prints, the exit code without --strict, with it).
py::tuple verify(const Words& w, const std::string& command) {
  cli::VerifyFlags f;
  const std::pair<const char*, std::string*> keys[] = {{"theorem", &f.theorem},
                                                       {"family", &f.family},
                                                       {"problem", &f.problem},
                                                       {"oracle", &f.oracle},
                                                       {"method", &f.method},
                                                       {"schedule", &f.schedule},
                                                       {"compare", &f.compare},
                                                       {"d", &f.d},
                                                       {"T", &f.T},
                                                       {"nodes", &f.nodes},
                                                       {"replicates", &f.replicates},
                                                       {"seed", &f.seed},
                                                       {"batch", &f.batch},
                                                       {"tolerance", &f.tolerance},
                                                       {"dominance", &f.dominance},
                                                       {"bootstrap", &f.bootstrap},
                                                       {"threads", &f.threads},
                                                       {"block", &f.block},
                                                       {"device", &f.device}};
  for (const auto& [key, slot] : keys)
    if (const std::string v = word(w, key); !v.empty()) *slot = v;
  f.allow_violations = word(w, "allow_violations") == "1";
  analysis::VerifyOptions v = cli::verify_options(f);
  analysis::VerifyReport report = interruptibly([&](Progress* progress) {
    v.engine.progress = progress;
    return analysis::verify(v);
  });
  report.command = command;
  return py::make_tuple(cli::json_text(verify_json(report)), report.table(), report.exit_code(false),
                        report.exit_code(true));
}

// Every table's components with their parameters, as JSON text.
std::string components() {
  nlohmann::json j;
  const std::pair<const char*, const std::vector<ComponentInfo>*> tables[] = {
      {"problems", &problem_registry()},
      {"oracles", &oracle_registry()},
      {"methods", &method_registry()},
      {"distributed_methods", &distributed_method_registry()},
      {"schedules", &schedule_registry()}};
  for (const auto& [family, registry] : tables)
    for (const ComponentInfo& c : *registry) {
      nlohmann::json params = nlohmann::json::array();
      for (const ParamInfo& p : c.params)
        params.push_back(
            {{"key", p.key}, {"default", p.default_value}, {"allowed", p.allowed}, {"help", p.help}});
      j[family].push_back(
          {{"name", c.name}, {"summary", c.summary}, {"aliases", c.aliases}, {"params", params}});
    }
  return j.dump();
}

}  // namespace

}  // namespace signrate::python

PYBIND11_MODULE(_signrate, m) {
  m.doc() = "signrate's compiled core: see the signrate package";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const signrate::SpecError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const signrate::RunError& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory");
    }
  });
  m.attr("__version__") = signrate::kVersion;
  m.def("run", &signrate::python::run);
  m.def("sweep", &signrate::python::sweep);
  m.def("fit", &signrate::python::fit);
  m.def("verify", &signrate::python::verify);
  m.def("components", &signrate::python::components);
}
