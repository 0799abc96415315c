// `exec`/`run` -e flags as docker reads them: KEY=VALUE kept, a bare KEY takes the
// caller's value or is dropped when the caller has none.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "engine/exec.h"

namespace {

TEST(ExecEnvFlags, BareKeysTakeTheCallersValue) {
  ::setenv("BC_EXEC_TEST_SET", "from-caller", 1);
  ::unsetenv("BC_EXEC_TEST_UNSET");
  std::vector<std::string> out =
      engine::expand_env_flags({"A=1", "BC_EXEC_TEST_SET", "BC_EXEC_TEST_UNSET", "B=", "C=x=y"});
  EXPECT_EQ(out, (std::vector<std::string>{"A=1", "BC_EXEC_TEST_SET=from-caller", "B=", "C=x=y"}));
}

}  // namespace

namespace {

TEST(ServiceSelected, NoneNamedMeansAll) {
  EXPECT_TRUE(engine::service_selected({}, "web"));
  EXPECT_TRUE(engine::service_selected({"db", "web"}, "web"));
  EXPECT_FALSE(engine::service_selected({"db"}, "web"));
}

}  // namespace
