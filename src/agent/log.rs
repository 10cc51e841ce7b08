//! The run log's sink: JSON Lines written and flushed one record at a time, so a
//! killed run loses nothing. A managed agent's sink forwards each of its records
//! to its manager's sink with an `agent` field naming it (`helper`, or
//! `helper/researcher` two levels down), so one log holds the whole team's run.
//! Never write anything but the records given (no key, no environment).

use std::cell::RefCell;
use std::fs::File;
use std::io::Write;
use std::rc::Rc;

use serde_json::Value as Json;

#[derive(Default)]
pub struct LogSink {
    file: Option<File>,
    /// The manager's sink and the name this agent has there.
    upstream: Option<(Rc<RefCell<LogSink>>, String)>,
    /// The step this agent is in, given to its members' records as `manager_step`.
    pub step: usize,
}

pub type SharedSink = Rc<RefCell<LogSink>>;

impl LogSink {
    pub fn set_file(&mut self, f: File) {
        self.file = Some(f);
    }

    pub fn set_upstream(&mut self, sink: SharedSink, name: &str) {
        self.upstream = Some((sink, name.to_owned()));
    }

    /// Writes `record` here and, named, to every sink above.
    pub fn write(&mut self, record: &Json) -> Result<(), String> {
        if let Some(f) = self.file.as_mut() {
            let mut line = record.to_string();
            line.push('\n');
            f.write_all(line.as_bytes()).and_then(|_| f.flush()).map_err(|e| e.to_string())?;
        }
        if let Some((up, name)) = &self.upstream {
            let mut r = record.clone();
            if let Json::Object(m) = &mut r {
                let path = match m.get("agent").and_then(Json::as_str) {
                    Some(inner) => format!("{name}/{inner}"),
                    None => name.clone(),
                };
                m.insert("agent".into(), Json::String(path));
                if let (false, Ok(u)) = (m.contains_key("manager_step"), up.try_borrow()) {
                    m.insert("manager_step".into(), Json::from(u.step));
                }
            }
            // A manager writing while its member writes cannot happen (the member
            // runs inside the manager's step); if it ever did, the line is skipped
            // rather than the run failing.
            if let Ok(mut up) = up.try_borrow_mut() {
                up.write(&r)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_go_up_named_by_path() {
        let dir = std::env::temp_dir().join(format!("garter-log-sink-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("team.jsonl");
        let top: SharedSink = Rc::default();
        top.borrow_mut().set_file(File::create(&path).expect("create the log"));
        let mid: SharedSink = Rc::default();
        mid.borrow_mut().set_upstream(top.clone(), "helper");
        top.borrow_mut().step = 3;
        let low: SharedSink = Rc::default();
        low.borrow_mut().set_upstream(mid.clone(), "sub");
        assert_eq!(top.borrow_mut().write(&json!({"type": "run_start"})), Ok(()));
        assert_eq!(low.borrow_mut().write(&json!({"type": "step"})), Ok(()));
        assert_eq!(mid.borrow_mut().write(&json!({"type": "run_end"})), Ok(()));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<Json> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        assert_eq!(lines, vec![json!({"type": "run_start"}), json!({"type": "step", "agent": "helper/sub", "manager_step": 0}), json!({"type": "run_end", "agent": "helper", "manager_step": 3})]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
