// `--change` instructions (Dockerfile CMD, ENTRYPOINT, ENV, ...) and the shell lexer
// behind them, with Docker's meaning.
#include <gtest/gtest.h>

#include "boximg/error.h"
#include "boximg/instruction.h"
#include "boximg/shell_lexer.h"

namespace image {
namespace {

using Strings = std::vector<std::string>;

ImageConfig changed(const Strings& changes, ImageConfig config = {}) {
  apply_changes(config, changes);
  return config;
}

std::string change_error(const Strings& changes) {
  try {
    changed(changes);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ImageChange, CmdExecAndShellForm) {
  EXPECT_EQ(changed({R"(CMD ["sh", "-c", "echo hi"])"}).cmd, (Strings{"sh", "-c", "echo hi"}));
  EXPECT_EQ(changed({"CMD echo $HOME \"quoted\""}).cmd,
            (Strings{"/bin/sh", "-c", "echo $HOME \"quoted\""}));
  EXPECT_EQ(changed({"cmd  top -b  "}).cmd, (Strings{"/bin/sh", "-c", "top -b"}));
  // Not a JSON array of strings: Docker falls back to the shell form.
  EXPECT_EQ(changed({"CMD [1, 2]"}).cmd, (Strings{"/bin/sh", "-c", "[1, 2]"}));
  EXPECT_EQ(changed({"CMD [\"unterminated\""}).cmd,
            (Strings{"/bin/sh", "-c", "[\"unterminated\""}));
  EXPECT_EQ(changed({"CMD []"}).cmd, Strings{});
}

TEST(ImageChange, EntrypointKeepsCmdSetBeforeIt) {
  ImageConfig c = changed({"CMD [\"-h\"]", "ENTRYPOINT [\"/bin/busybox\"]"});
  EXPECT_EQ(c.entrypoint, Strings{"/bin/busybox"});
  EXPECT_EQ(c.cmd, Strings{"-h"});
  EXPECT_EQ(changed({"ENTRYPOINT exec httpd -f"}).entrypoint,
            (Strings{"/bin/sh", "-c", "exec httpd -f"}));
  // A CMD that came with the base config is dropped by a new ENTRYPOINT, as in a build.
  ImageConfig base;
  base.cmd = {"sh"};
  EXPECT_TRUE(changed({"ENTRYPOINT [\"/init\"]"}, base).cmd.empty());
}

TEST(ImageChange, EnvForms) {
  ImageConfig c = changed(
      {"ENV A=1 B=\"two words\" C='$A' D=${A}x", "ENV E one two  three", "ENV A=override F=$A"});
  // Every pair sees the environment as it was before its instruction, as in Docker.
  EXPECT_EQ(c.env,
            (Strings{"A=override", "B=two words", "C=$A", "D=x", "E=one two  three", "F=1"}));
  EXPECT_EQ(changed({"ENV PATH=/usr/bin", "ENV PATH=/sbin:$PATH"}).env,
            Strings{"PATH=/sbin:/usr/bin"});
  EXPECT_EQ(changed({R"(ENV X=a\ b Y="q\"q" Z=\$lit)"}).env,
            (Strings{"X=a b", "Y=q\"q", "Z=$lit"}));
  EXPECT_EQ(changed({"ENV EMPTY="}).env, Strings{"EMPTY="});
}

TEST(ImageChange, EnvErrors) {
  EXPECT_NE(change_error({"ENV"}).find("ENV requires at least one argument"), std::string::npos);
  EXPECT_NE(change_error({"ENV A=1 B"}).find("can't find = in \"B\""), std::string::npos);
  EXPECT_NE(change_error({"ENV ONLYNAME"}).find("must have two arguments"), std::string::npos);
  EXPECT_NE(change_error({"ENV =x"}).find("names can not be blank"), std::string::npos);
  EXPECT_NE(change_error({"ENV A=\"open"}).find("double-quote"), std::string::npos);
}

TEST(ImageChange, Labels) {
  ImageConfig c = changed({"LABEL a=1 \"b c\"=\"d e\"", "LABEL legacy some value", "LABEL a=2"});
  EXPECT_EQ(c.labels, (std::map<std::string, std::string>{
                          {"a", "2"}, {"b c", "d e"}, {"legacy", "some value"}}));
}

TEST(ImageChange, UserWorkdirStopsignalVolume) {
  ImageConfig c = changed({"ENV D=/srv", "USER 1000:1000", "WORKDIR $D", "WORKDIR app/../www/",
                           "STOPSIGNAL SIGQUIT", "VOLUME [\"/data\", \"/logs\"]", "VOLUME /a $D"});
  EXPECT_EQ(c.user, "1000:1000");
  EXPECT_EQ(c.working_dir, "/srv/www");
  EXPECT_EQ(c.stop_signal, "SIGQUIT");
  EXPECT_EQ(c.volumes, (std::set<std::string>{"/a", "/data", "/logs", "/srv"}));
  EXPECT_EQ(changed({"WORKDIR rel"}).working_dir, "/rel");
  EXPECT_EQ(changed({"WORKDIR /"}).working_dir, "/");
}

TEST(ImageChange, Expose) {
  ImageConfig c = changed({"EXPOSE 80 53/UDP 8000-8002/tcp 132/sctp"});
  EXPECT_EQ(c.exposed_ports, (std::set<std::string>{"132/sctp", "53/udp", "80/tcp", "8000/tcp",
                                                    "8001/tcp", "8002/tcp"}));
  EXPECT_EQ(changed({"ENV P=\"81 82\"", "EXPOSE $P"}).exposed_ports,
            (std::set<std::string>{"81/tcp", "82/tcp"}));
  EXPECT_NE(change_error({"EXPOSE 70000"}).find("invalid port"), std::string::npos);
  EXPECT_NE(change_error({"EXPOSE 80/icmp"}).find("invalid protocol"), std::string::npos);
  EXPECT_NE(change_error({"EXPOSE 90-80"}).find("invalid port range"), std::string::npos);
  EXPECT_NE(change_error({"EXPOSE http"}).find("invalid port"), std::string::npos);
}

TEST(ImageChange, Healthcheck) {
  ImageConfig c =
      changed({"HEALTHCHECK --interval=30s --timeout=1m30s --retries=3 "
               "--start-period=500ms CMD wget -q -O- http://localhost/ || exit 1"});
  ASSERT_TRUE(c.healthcheck);
  EXPECT_EQ(c.healthcheck->test, (Strings{"CMD-SHELL", "wget -q -O- http://localhost/ || exit 1"}));
  EXPECT_EQ(c.healthcheck->interval_ns, 30'000'000'000);
  EXPECT_EQ(c.healthcheck->timeout_ns, 90'000'000'000);
  EXPECT_EQ(c.healthcheck->start_period_ns, 500'000'000);
  EXPECT_EQ(c.healthcheck->retries, 3);
  EXPECT_EQ(changed({"HEALTHCHECK CMD [\"/bin/true\"]"}).healthcheck->test,
            (Strings{"CMD", "/bin/true"}));
  EXPECT_EQ(changed({"HEALTHCHECK NONE"}).healthcheck->test, Strings{"NONE"});
  EXPECT_NE(change_error({"HEALTHCHECK NONE x"}).find("takes no arguments"), std::string::npos);
  EXPECT_NE(change_error({"HEALTHCHECK CMD"}).find("missing command"), std::string::npos);
  EXPECT_NE(change_error({"HEALTHCHECK RUN x"}).find("unknown type"), std::string::npos);
  EXPECT_NE(change_error({"HEALTHCHECK --interval=1us CMD x"}).find("less than 1ms"),
            std::string::npos);
  EXPECT_NE(change_error({"HEALTHCHECK --retries=-1 CMD x"}).find("--retries"), std::string::npos);
  EXPECT_NE(change_error({"HEALTHCHECK --bogus=1 CMD x"}).find("unknown flag"), std::string::npos);
}

TEST(ImageChange, NotAChangeCommand) {
  std::string err = change_error({"CMD [\"x\"]", "RUN rm -rf /"});
  EXPECT_NE(err.find("--change \"RUN rm -rf /\": RUN: not a valid change command"),
            std::string::npos)
      << err;
  EXPECT_NE(change_error({"  "}).find("empty instruction"), std::string::npos);
  EXPECT_NE(change_error({"FROM scratch"}).find("not a valid change command"), std::string::npos);
}

TEST(ImageGoDuration, Forms) {
  EXPECT_EQ(parse_go_duration("0"), 0);
  EXPECT_EQ(parse_go_duration("1ns"), 1);
  EXPECT_EQ(parse_go_duration("2us"), 2000);
  EXPECT_EQ(parse_go_duration("2\xC2\xB5s"), 2000);
  EXPECT_EQ(parse_go_duration("250ms"), 250'000'000);
  EXPECT_EQ(parse_go_duration("1.5h"), 5'400'000'000'000);
  EXPECT_EQ(parse_go_duration("1h2m3s"), 3'723'000'000'000);
  EXPECT_EQ(parse_go_duration("-1s"), -1'000'000'000);
  for (const char* bad : {"", "5", "s", "1x", "1..2s", "abc", ".s"})
    EXPECT_THROW(parse_go_duration(bad), Error) << bad;
}

TEST(ImageShellLexer, RawWordsKeepQuotes) {
  EXPECT_EQ(split_raw_words(R"(a=1  b="x y"  c='p q' d=\ e)"),
            (Strings{"a=1", "b=\"x y\"", "c='p q'", "d=\\ e"}));
  EXPECT_EQ(split_raw_words("  ''  x "), (Strings{"''", "x"}));
  EXPECT_EQ(split_raw_words(""), Strings{});
}

TEST(ImageShellLexer, Expansion) {
  Strings env = {"A=1", "EMPTY=", "SP=x y"};
  EXPECT_EQ(expand_word("$A${A}$NOPE${NOPE}", env), "11");
  EXPECT_EQ(expand_word("${NOPE:-dflt} ${EMPTY:-e} ${EMPTY-e} ${A:+alt} ${NOPE+alt}", env),
            "dflt e  alt ");
  EXPECT_EQ(expand_word("${NOPE:-${A}x}", env), "1x");
  EXPECT_EQ(expand_word("'$A' \"$A\" \\$A $ \"\\x\"", env), "$A 1 $A $ \\x");
  EXPECT_EQ(expand_word("cost: 5$", env), "cost: 5$");
  EXPECT_EQ(expand_words("$SP \"$SP\" '' z", env), (Strings{"x", "y", "x y", "", "z"}));
  EXPECT_EQ(expand_words("$EMPTY a", env), Strings{"a"});
  EXPECT_THROW(expand_word("${A", env), Error);
  EXPECT_THROW(expand_word("${NOPE:?must be set}", env), Error);
  EXPECT_THROW(expand_word("${A%x}", env), Error);
  EXPECT_THROW(expand_word("'open", env), Error);
}

}  // namespace
}  // namespace image
