#pragma once
// The one writer of a command's output files (docs/outputs.md, "Outputs, inputs and memory"). Every target is
// checked when it is added, before any computation; the contents are written only after the computation
// succeeded, each to a unique temporary file in its target's folder (mkstemp), flushed to disk
// (fsync), and then all are renamed into place together. A refused or failed command leaves none
// of its files and never a half-written one; of two commands writing the same path, the last
// rename wins and each reports the truth about its own file.
//
// Streams are written directly, never replaced: "-" and "/dev/stdout" (standard output),
// "/dev/stderr" (standard error) and "/dev/null" (discarded). Any other existing target that is
// not a regular file (a directory, a device, a FIFO, a socket) is refused.
#include <string>
#include <vector>

namespace signrate {

// "-", "/dev/stdout", "/dev/stderr" or "/dev/null".
bool is_stream_target(const std::string& path);
// "-" or "/dev/stdout": what is written there shares standard output with the command's messages.
bool is_stdout_target(const std::string& path);

class OutputFiles {
 public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  // Registers `path` (named `what` in messages, e.g. "--out") and checks now that it can be
  // written: an existing target must be a regular file, and its folder must take a new file (a
  // probe is created there and removed). Two options naming the same file or stream are refused.
  // A SpecError (exit code 2) naming the option, the user's path and the OS reason otherwise.
  // may_replace_input: the target may be one of the inputs (a checkpoint that a run resumed from
  // and goes on writing); it is still checked against the other outputs.
  void add(const std::string& what, const std::string& path, bool may_replace_input = false);
  // Registers a file the command reads (named `what`, e.g. "--resume"): no output added before or
  // after may be the same file. Files are the same when their absolute paths, with every symbolic
  // link resolved, are equal (whether they exist or not) or when both exist and are one inode (a
  // hard link). Aliasing is a SpecError (exit code 2) naming both options. "-" (standard input) is
  // never a file.
  void add_input(const std::string& what, const std::string& path);
  // The content of `path`, added first (checked at commit) when it was not added before.
  void set(const std::string& path, std::string content);
  // Writes every target that has content (above); RunError (exit code 1) naming the user's path
  // and the OS reason when one cannot be written, after removing every temporary file: then no
  // target was replaced. The renames come only after every file is on disk.
  void commit();
  // The targets, in the order added.
  std::vector<std::string> paths() const;

 private:
  struct Target {
    std::string what, path;
    bool has_content = false;
    std::string content;
  };
  struct Input {
    std::string what, path;
  };
  // SpecError when `path` (named `what`) is the same file as an input or another output.
  void refuse_alias(const std::string& what, const std::string& path, bool output, bool check_inputs) const;
  std::vector<Target> targets_;
  std::vector<Input> inputs_;
};

// One file through OutputFiles: checked, then written and renamed into place.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace signrate
