#include "signrate/output_files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "signrate/error.hpp"
#include "signrate/text.hpp"

namespace signrate {

namespace {

namespace fs = std::filesystem;

std::string quoted(const std::string& path) { return "'" + printable(path) + "'"; }

std::string folder_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// The stream a target names: "stdout", "stderr", "null", or "" for a file.
std::string stream_of(const std::string& path) {
  if (path == "-" || path == "/dev/stdout") return "stdout";
  if (path == "/dev/stderr") return "stderr";
  if (path == "/dev/null") return "null";
  return "";
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

const char* kAllowed =
    "allowed: a regular file (replaced atomically) or a stream: - or /dev/stdout, /dev/stderr, /dev/null";

// The start of the names of a target's temporary files: "." + its name + "." + this machine's name
// + "-". A temporary is that, this process's id, "." and mkstemp's six characters.
std::string temporary_prefix(const std::string& path) {
  char host[64] = {};
  ::gethostname(host, sizeof host - 1);
  std::string h = host;
  for (char& c : h)
    if (c == '/' || c == '.') c = '_';
  return "." + fs::path(path).filename().string().substr(0, 150) + "." + h + "-";
}

// A new file in the target's folder with a unique name (temporary_prefix, the process id, six
// random characters); its descriptor, or -1 with errno set.
int make_temporary(const std::string& path, std::string* name) {
  *name = (fs::path(folder_of(path)) / (temporary_prefix(path) + std::to_string(::getpid()) + ".XXXXXX"))
              .string();
  return ::mkstemp(name->data());
}

// Removes the temporaries of `path` left by processes of this machine that no longer run (killed
// before they could remove them: kill -9, a power cut). Those of running processes and of other
// machines (a shared folder) are left alone.
void remove_stale_temporaries(const std::string& path) {
  const std::string prefix = temporary_prefix(path);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder_of(path), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::size_t dot = name.find('.', prefix.size());
    const std::string pid = name.substr(prefix.size(), dot - prefix.size());
    if (dot == std::string::npos || pid.empty() || pid.size() > 9 ||
        pid.find_first_not_of("0123456789") != std::string::npos || name.size() != dot + 7)
      continue;
    if (::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH) ::unlink(entry.path().c_str());
  }
}

// The permissions a new file gets (0666 less the umask), for the temporary file mkstemp made 0600.
mode_t new_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

bool write_all(int fd, const std::string& content) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

void sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// The target's problem, or "" when an existing target is absent or a regular file.
std::string existing_target_problem(const std::string& what, const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return "";
    return what + " " + quoted(path) + ": " + std::strerror(errno);
  }
  if (S_ISREG(st.st_mode)) return "";
  return what + " " + quoted(path) + " is " + kind_of(st.st_mode) + ", which is not replaced; " + kAllowed;
}

// Where a path leads: its absolute form with every symbolic link resolved (weakly_canonical
// resolves the part that exists), and its device and inode when it exists.
struct FileIdentity {
  std::string resolved;
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
};

FileIdentity identity_of(const std::string& path) {
  FileIdentity id;
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  const fs::path resolved = ec ? fs::path(path) : fs::weakly_canonical(absolute, ec);
  id.resolved = (ec ? absolute : resolved).lexically_normal().string();
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.device = st.st_dev;
    id.inode = st.st_ino;
  }
  return id;
}

bool same_file(const FileIdentity& a, const FileIdentity& b) {
  return a.resolved == b.resolved || (a.exists && b.exists && a.device == b.device && a.inode == b.inode);
}

}  // namespace

bool is_stream_target(const std::string& path) { return !stream_of(path).empty(); }
bool is_stdout_target(const std::string& path) { return stream_of(path) == "stdout"; }

void OutputFiles::refuse_alias(const std::string& what, const std::string& path, bool output,
                               bool check_inputs) const {
  const std::string stream = stream_of(path);
  const FileIdentity id = identity_of(path);
  const auto refuse = [&](const std::string& other_what, const std::string& other_path, bool other_output) {
    throw SpecError(what + " " + quoted(path) + " is also " + other_what +
                    (other_path == path ? std::string() : " " + quoted(other_path)) +
                    (output && other_output ? "; allowed: a different file for each"
                                            : "; allowed: an output that is none of the command's inputs"));
  };
  if (output)
    for (const Target& t : targets_) {
      const std::string other = stream_of(t.path);
      if (!stream.empty() || !other.empty()) {
        if (stream == other && stream != "null") refuse(t.what, t.path, true);
      } else if (same_file(id, identity_of(t.path))) {
        refuse(t.what, t.path, true);
      }
    }
  if (!stream.empty()) return;
  if (output && check_inputs)  // two inputs may be one file (report a.json a.json)
    for (const Input& in : inputs_)
      if (same_file(id, identity_of(in.path))) refuse(in.what, in.path, false);
  if (!output)
    for (const Target& t : targets_)
      if (stream_of(t.path).empty() && same_file(id, identity_of(t.path))) refuse(t.what, t.path, true);
}

void OutputFiles::add_input(const std::string& what, const std::string& path) {
  if (path.empty() || path == "-") return;
  refuse_alias(what, path, false, true);
  inputs_.push_back({what, path});
}

void OutputFiles::add(const std::string& what, const std::string& path, bool may_replace_input) {
  if (path.empty()) throw SpecError(what + " is empty; allowed: a file name or - for standard output");
  const std::string stream = stream_of(path);
  refuse_alias(what, path, true, !may_replace_input);
  if (stream.empty()) {
    const std::string problem = existing_target_problem(what, path);
    if (!problem.empty()) throw SpecError(problem);
    std::string probe;
    const int fd = make_temporary(path, &probe);
    if (fd < 0)
      throw SpecError(what + " " + quoted(path) + " cannot be written: cannot create a file in " +
                      quoted(folder_of(path)) + ": " + std::strerror(errno));
    ::close(fd);
    ::unlink(probe.c_str());
  }
  targets_.push_back({what, path, false, {}});
}

void OutputFiles::set(const std::string& path, std::string content) {
  for (Target& t : targets_)
    if (t.path == path) {
      t.content = std::move(content);
      t.has_content = true;
      return;
    }
  add("output", path);  // checked as every target is
  targets_.back().content = std::move(content);
  targets_.back().has_content = true;
}

std::vector<std::string> OutputFiles::paths() const {
  std::vector<std::string> out;
  for (const Target& t : targets_) out.push_back(t.path);
  return out;
}

void OutputFiles::commit() {
  struct Temporary {
    const Target* target;
    std::string name;
  };
  std::vector<Temporary> temporaries;
  const auto fail = [&](const Target& t, const std::string& why) {
    for (const Temporary& tmp : temporaries) ::unlink(tmp.name.c_str());
    throw RunError("cannot write " + quoted(t.path) + ": " + why + "; no output was replaced");
  };
  const mode_t mode = new_file_mode();
  for (const Target& t : targets_) {
    if (!t.has_content || !stream_of(t.path).empty()) continue;
    const std::string problem = existing_target_problem(t.what, t.path);
    if (!problem.empty()) fail(t, problem);
    std::string name;
    const int fd = make_temporary(t.path, &name);
    if (fd < 0) fail(t, "cannot create a file in " + quoted(folder_of(t.path)) + ": " + std::strerror(errno));
    temporaries.push_back({&t, name});
    const bool ok = ::fchmod(fd, mode) == 0 && write_all(fd, t.content) && ::fsync(fd) == 0;
    const int saved = errno;
    if (::close(fd) != 0 || !ok) fail(t, std::strerror(ok ? errno : saved));
  }
  // Every file is on disk: now they replace their targets, one rename each.
  for (std::size_t k = 0; k < temporaries.size(); ++k) {
    const Temporary& tmp = temporaries[k];
    if (std::rename(tmp.name.c_str(), tmp.target->path.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      for (std::size_t j = k; j < temporaries.size(); ++j) ::unlink(temporaries[j].name.c_str());
      throw RunError("cannot write " + quoted(tmp.target->path) + ": " + why +
                     (k ? "; the outputs before it were written" : "; no output was replaced"));
    }
  }
  for (const Temporary& tmp : temporaries) {
    sync_folder(folder_of(tmp.target->path));
    remove_stale_temporaries(tmp.target->path);
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  for (const Target& t : targets_) {
    const std::string stream = stream_of(t.path);
    if (!t.has_content || stream.empty() || stream == "null") continue;
    if (!write_all(stream == "stdout" ? 1 : 2, t.content))
      throw RunError("cannot write " + quoted(t.path) + ": " + std::strerror(errno));
  }
}

void write_file_atomic(const std::string& path, const std::string& content) {
  OutputFiles files;
  files.add("output", path);
  files.set(path, content);
  files.commit();
}

}  // namespace signrate
