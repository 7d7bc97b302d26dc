//! The real `kaiji serve` binary as a child process, and a minimal HTTP/1.1 client over a TCP stream
//! (std only), for the CLI's tests of the server.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `kaiji serve`, killed when dropped.
#[derive(Debug)]
pub struct Served {
    child: Child,
    /// `127.0.0.1:PORT`, read from the first line the server printed.
    pub addr: String,
    /// Every line printed up to the last demo login (or the address line without `--demo`).
    pub lines: Vec<String>,
}

impl Served {
    /// Starts `kaiji serve ARGS --bind 127.0.0.1:0` in `dir` and reads what it prints until the address
    /// (and, with `--demo`, the 16 demo logins) are out.
    pub fn start(dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(crate::kaiji_bin())
            .current_dir(dir)
            .arg("serve")
            .args(args)
            .args(["--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("kaiji serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let demo = args.contains(&"--demo");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut lines = Vec::new();
        let mut addr = None;
        let mut logins = 0;
        while addr.is_none()
            || (demo
                && logins < 16
                && !lines
                    .iter()
                    .any(|l: &String| l.contains("not empty") || l.contains("空ではない")))
        {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx.recv_timeout(left).unwrap_or_else(|_| {
                let _ = child.kill();
                panic!("kaiji serve printed no address in time; so far: {lines:?}")
            });
            if addr.is_none()
                && let Some(at) = line.find("http://")
            {
                let rest = &line[at + "http://".len()..];
                addr = Some(rest.split('/').next().unwrap_or("").to_owned());
            } else if line.contains("@") && line.starts_with("  ") {
                logins += 1;
            }
            lines.push(line);
        }
        Self {
            child,
            addr: addr.unwrap_or_default(),
            lines,
        }
    }

    /// The demo logins printed: (kind, role, e-mail, password).
    pub fn logins(&self) -> Vec<(String, String, String, String)> {
        self.lines
            .iter()
            .filter(|l| l.starts_with("  ") && l.contains('@'))
            .map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                (
                    words[0].to_owned(),
                    words[1].to_owned(),
                    words[2].to_owned(),
                    words[3].to_owned(),
                )
            })
            .collect()
    }
}

impl Served {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server with SIGKILL (`kill -9`: no clean-up of any kind) and reaps it.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM (what a supervisor sends to stop a service), without waiting.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill -TERM runs");
        assert!(status.success(), "kill -TERM {}", self.pid());
    }

    /// Waits up to `bound` for the server to exit: its exit status, or `None` while it still runs.
    pub fn wait_exit(&mut self, bound: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + bound;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request to `addr`: the status, the response headers (lower-case names) and the body.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or("");
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let response = String::from_utf8(response).expect("UTF-8 response");
    let (head, body) = response.split_once("\r\n\r\n").expect("HTTP response");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}
