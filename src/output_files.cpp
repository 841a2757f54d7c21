#include "signrate/output_files.hpp"

#include <fcntl.h>
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

// A new file in `folder` with a unique name starting with "." + the target's name; its
// descriptor, or -1 with errno set.
int make_temporary(const std::string& path, std::string* name) {
  const std::string base = fs::path(path).filename().string();
  *name = (fs::path(folder_of(path)) / ("." + base.substr(0, 200) + ".XXXXXX")).string();
  return ::mkstemp(name->data());
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

}  // namespace

bool is_stream_target(const std::string& path) { return !stream_of(path).empty(); }
bool is_stdout_target(const std::string& path) { return stream_of(path) == "stdout"; }

void OutputFiles::add(const std::string& what, const std::string& path) {
  if (path.empty()) throw SpecError(what + " is empty; allowed: a file name or - for standard output");
  const std::string stream = stream_of(path);
  for (const Target& t : targets_) {
    const std::string other = stream_of(t.path);
    bool same = false;
    if (!stream.empty() || !other.empty()) {
      same = stream == other && stream != "null";
    } else {
      std::error_code e1, e2;
      const fs::path a = fs::weakly_canonical(path, e1), b = fs::weakly_canonical(t.path, e2);
      same = e1 || e2 ? path == t.path : a == b;
    }
    if (same)
      throw SpecError(what + " " + quoted(path) + " is also " + t.what +
                      "; allowed: a different file for each");
  }
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
  targets_.push_back({"output", path, true, std::move(content)});
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
  for (const Temporary& tmp : temporaries) sync_folder(folder_of(tmp.target->path));
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
