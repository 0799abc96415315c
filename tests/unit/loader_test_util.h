// Loading compose projects in tests without touching the disk: every file lives in a map of
// absolute path -> content, and the OS environment is fixed. The project directory is /p.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compose/loader.h"
#include "compose/model.h"

namespace compose::loader_test {

using Files = std::map<std::string, std::string>;
using Environment = std::map<std::string, std::string>;

// A project in memory. By default no -f is given, so the loader finds /p/compose.yaml the way
// Docker Compose finds it in the working directory.
struct TestProject {
  Files files;
  Environment environment;  // what the loader sees as the process environment
  LoadOptions options;

  TestProject() { options.working_directory = "/p"; }
  explicit TestProject(std::string compose_yaml) : TestProject() {
    files["/p/compose.yaml"] = std::move(compose_yaml);
  }

  TestProject& file(const std::string& path, std::string text) {
    files[path] = std::move(text);
    return *this;
  }
  TestProject& env(const std::string& name, std::string value) {
    environment[name] = std::move(value);
    return *this;
  }

  LoadOptions load_options() const {
    LoadOptions out = options;
    out.os_environment = environment;
    out.read_file = [files = files](const std::string& path) -> std::optional<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return out;
  }

  Project load() const { return load_project(load_options()); }

  // The diagnostics of a load that must fail, each as "file:line:col: path: message".
  std::vector<std::string> errors() const {
    try {
      load();
    } catch (const LoadError& e) {
      std::vector<std::string> lines;
      std::string joined;
      for (const Diagnostic& d : e.diagnostics()) {
        lines.push_back(d.to_string());
        joined += (joined.empty() ? "" : "\n") + lines.back();
      }
      EXPECT_EQ(e.what(), joined) << "what() must list every diagnostic, one per line";
      return lines;
    }
    ADD_FAILURE() << "the project loaded, but errors were expected";
    return {};
  }
};

inline Project load_yaml(std::string yaml, Environment environment = {}) {
  TestProject project(std::move(yaml));
  project.environment = std::move(environment);
  return project.load();
}

inline std::vector<std::string> load_errors(std::string yaml, Environment environment = {}) {
  TestProject project(std::move(yaml));
  project.environment = std::move(environment);
  return project.errors();
}

// The service, or a test failure (and an empty service) when it is not enabled.
inline const Service& service(const Project& project, const std::string& name) {
  static const Service kMissing;
  const Service* s = project.find_service(name);
  if (!s) {
    ADD_FAILURE() << "no enabled service " << name;
    return kMissing;
  }
  return *s;
}
// Not from a temporary project: the reference would outlive it.
const Service& service(Project&& project, const std::string& name) = delete;

}  // namespace compose::loader_test
