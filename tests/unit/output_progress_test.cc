// The up/down progress view: plain lines exactly as `docker compose --progress plain`,
// and the terminal view's final frame (header, aligned states, right-aligned timers).
#include "engine/output_progress.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

using engine::ProgressEvent;
using engine::ResourceKind;
using namespace std::chrono;

// Output captured in memory, as the CLI would write it to stdout.
class Capture {
 public:
  Capture() : f_(open_memstream(&buf_, &len_)) {}
  ~Capture() {
    if (f_) fclose(f_);
    free(buf_);
  }
  FILE* file() { return f_; }
  std::string text() {
    fflush(f_);
    return std::string(buf_, len_);
  }

 private:
  char* buf_ = nullptr;
  size_t len_ = 0;
  FILE* f_;
};

ProgressEvent ev(ResourceKind kind, const char* name, const char* text, bool done) {
  ProgressEvent e;
  e.kind = kind;
  e.name = name;
  e.text = text;
  e.done = done;
  return e;
}

TEST(PlainProgress, LinesAsComposePrintsThem) {
  Capture out;
  auto p = engine::make_progress(out.file(), /*tty=*/false, /*plain=*/false);
  p->event(ev(ResourceKind::Network, "proj_default", "Creating", false));
  p->event(ev(ResourceKind::Network, "proj_default", "Created", true));
  p->event(ev(ResourceKind::Volume, "proj_data", "Created", true));
  p->event(ev(ResourceKind::Container, "proj-web-1", "Starting", false));
  auto failed = ev(ResourceKind::Container, "proj-web-1", "Error", true);
  failed.error = "exec: \"nope\": not found";
  p->event(failed);
  p->done();
  EXPECT_EQ(out.text(),
            " Network proj_default  Creating\n"
            " Network proj_default  Created\n"
            " Volume proj_data  Created\n"
            " Container proj-web-1  Starting\n"
            " Container proj-web-1  Error exec: \"nope\": not found\n");
}

TEST(PlainProgress, PlainWinsOverATerminal) {
  Capture out;
  auto p = engine::make_progress(out.file(), /*tty=*/true, /*plain=*/true);
  p->event(ev(ResourceKind::Container, "proj-web-1", "Stopped", true));
  p->done();
  EXPECT_EQ(out.text(), " Container proj-web-1  Stopped\n");
}

// A clock the test moves by hand.
struct FakeClock {
  steady_clock::time_point now{};
};

engine::ProgressOptions tty_options(FakeClock* clock, bool color) {
  engine::ProgressOptions o;
  o.title = "Running";
  o.width = 80;
  o.redraw = false;
  o.color = color;
  o.clock = [clock] { return clock->now; };
  return o;
}

TEST(TtyProgress, FinalFrameAlignsStatesAndTimers) {
  FakeClock clock;
  Capture out;
  auto p = engine::make_progress(out.file(), true, false, tty_options(&clock, false));
  p->event(ev(ResourceKind::Network, "proj_default", "Creating", false));
  p->event(ev(ResourceKind::Container, "proj-web-1", "Creating", false));
  clock.now += milliseconds(100);
  p->event(ev(ResourceKind::Network, "proj_default", "Created", true));
  clock.now += milliseconds(300);
  p->event(ev(ResourceKind::Container, "proj-web-1", "Started", true));
  clock.now += seconds(5);  // done times stop at their last change
  p->done();
  p->done();  // idempotent: no second frame
  EXPECT_EQ(out.text(), std::string("\x1b[?25l[+] Running 2/2\n") +
                            " ✔ Network proj_default  Created" + std::string(43, ' ') + "0.1s \n" +
                            " ✔ Container proj-web-1  Started" + std::string(43, ' ') + "0.4s \n" +
                            "\x1b[?25h");
}

TEST(TtyProgress, ColoursAndSpinnerWhileWorking) {
  FakeClock clock;
  Capture out;
  auto p = engine::make_progress(out.file(), true, false, tty_options(&clock, true));
  p->event(ev(ResourceKind::Container, "proj-db-1", "Stopped", true));
  p->event(ev(ResourceKind::Container, "proj-web-1", "Stopping", false));
  clock.now += milliseconds(1500);
  p->done();
  EXPECT_EQ(out.text(), std::string("\x1b[?25l[+] Running 1/2\n") +
                            " \x1b[32m✔\x1b[0m Container proj-db-1   \x1b[32mStopped\x1b[0m" +
                            std::string(43, ' ') + "\x1b[34m0.0s \x1b[0m\n" +
                            " \x1b[33m⠋\x1b[0m Container proj-web-1  Stopping" +
                            std::string(42, ' ') + "\x1b[34m1.5s \x1b[0m\n" + "\x1b[?25h");
}

TEST(TtyProgress, RedrawsInPlace) {
  // With the ticker on, frames after the first move the cursor back up over the last one.
  FILE* out = tmpfile();
  ASSERT_NE(out, nullptr);
  engine::ProgressOptions o;
  o.width = 40;
  o.color = false;
  auto p = engine::make_progress(out, true, false, o);
  p->event(ev(ResourceKind::Network, "n", "Creating", false));
  // Wait for the ticker's first frame (each frame is flushed whole).
  struct stat st {};
  for (int i = 0; i < 1000 && (fstat(fileno(out), &st) != 0 || st.st_size == 0); ++i)
    std::this_thread::sleep_for(milliseconds(10));
  p->event(ev(ResourceKind::Network, "n", "Created", true));
  p->done();
  std::string text(static_cast<size_t>(ftell(out)), '\0');
  rewind(out);
  ASSERT_EQ(fread(text.data(), 1, text.size(), out), text.size());
  fclose(out);
  EXPECT_EQ(text.find("\x1b[?25l[+] Running 0/1\n"), 0u) << text;
  EXPECT_NE(text.find("\x1b[2A\x1b[1G"), std::string::npos) << text;
  EXPECT_NE(text.rfind("[+] Running 1/1\n"), std::string::npos) << text;
}

}  // namespace
