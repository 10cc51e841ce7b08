//! Tools: host functions and MCP tools that the program calls as ordinary Python
//! functions (`get_sum(2, 40)`), with arguments bound by the tool's JSON Schema and
//! results returned as plain Python data.
//!
//! The core has no async dependency: a tool's call is a plain Rust closure; the VM
//! suspends at each call and `run_with_tools` (or the resolver, for calls made
//! inside native callbacks) answers it. Tools must never hand a host object to the
//! program: only JSON-shaped data and bytes cross.

pub mod bind;
pub mod convert;
pub mod stub;

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value as Json;

pub use bind::{Param, bind_args, params_of};
pub use convert::{from_json, to_json};
pub use stub::{assign_names, python_stub, sanitize_name};

use crate::session::{RunOutcome, Session};
use crate::values::*;
use crate::vm::{Globals, Vm};

/// One block of a tool's result.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Text(String),
    Image { mime_type: String, data: Vec<u8> },
    Audio { mime_type: String, data: Vec<u8> },
    /// An embedded resource or a resource link.
    Resource { uri: String, mime_type: Option<String>, text: Option<String> },
    /// A block of a kind this module does not know, as its JSON.
    Other(Json),
}

/// What a tool returned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolOutput {
    pub content: Vec<Content>,
    pub structured: Option<Json>,
    /// The tool reported a failure (MCP `isError`): raised as `ToolError`.
    pub is_error: bool,
}

impl ToolOutput {
    pub fn text(s: impl Into<String>) -> ToolOutput {
        ToolOutput { content: vec![Content::Text(s.into())], ..Default::default() }
    }

    pub fn structured(j: Json) -> ToolOutput {
        ToolOutput { structured: Some(j), ..Default::default() }
    }

    /// The text of the text blocks, one per line (an error's message).
    pub fn joined_text(&self) -> String {
        let parts: Vec<&str> = self.content.iter().filter_map(|c| if let Content::Text(t) = c { Some(t.as_str()) } else { None }).collect();
        parts.join("\n")
    }
}

/// Why a tool call failed, as the program will see it.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// Raised as `ToolError(message)`.
    Tool(String),
    /// Raised as `TimeoutError(message)`.
    Timeout(String),
    /// The host's cancel flag was set while the call was under way (Ctrl-C): the
    /// run stops as the machine's own interrupt does, uncatchable.
    Interrupted,
}

impl From<String> for CallError {
    fn from(s: String) -> CallError {
        CallError::Tool(s)
    }
}

pub type ToolFn = Rc<dyn Fn(Json) -> Result<ToolOutput, CallError>>;

/// A tool: what the model is told about it, and how to call it.
#[derive(Clone)]
pub struct Tool {
    /// The Python name (an identifier once bound; see `sanitize_name`).
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments object.
    pub input_schema: Json,
    pub output_schema: Option<Json>,
    /// The server the tool comes from (for collision prefixes and `garter tools`).
    pub server: Option<String>,
    pub call: ToolFn,
}

impl std::fmt::Debug for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tool").field("name", &self.name).field("server", &self.server).finish_non_exhaustive()
    }
}

impl Tool {
    /// A tool implemented by a host closure; an `Err(text)` raises `ToolError(text)`.
    pub fn host(
        name: &str,
        description: &str,
        input_schema: Json,
        f: impl Fn(Json) -> Result<ToolOutput, String> + 'static,
    ) -> Tool {
        Tool {
            name: name.to_owned(),
            description: description.to_owned(),
            input_schema,
            output_schema: None,
            server: None,
            call: Rc::new(move |args| f(args).map_err(CallError::Tool)),
        }
    }
}

/// The tools of a session and the `ToolError` class they raise.
pub struct Registry {
    tools: RefCell<Vec<Tool>>,
    pub tool_error: Rc<Class>,
}

/// Names that tools never take (the session's own globals).
const RESERVED: &[&str] = &["final_answer", "ToolError", "print"];

impl Registry {
    /// Creates `ToolError` (a subclass of Exception) in `globals`, so every session
    /// can catch it whether or not it has tools.
    pub fn install(vm: &mut Vm, globals: &Globals) -> Rc<Registry> {
        let base = vm.exc_class(ExcKind::Exception);
        let mut attrs = Attrs::default();
        attrs.insert("__doc__".into(), Value::str("A tool call failed; the message is the tool's own text."));
        let tool_error = match vm.new_class("ToolError", "ToolError", vec![base.clone()], attrs) {
            Ok(c) => c,
            // A single base with a known MRO cannot fail; fall back to Exception itself.
            Err(_) => base,
        };
        globals.set_by_name("ToolError", Value::Class(tool_error.clone()));
        Rc::new(Registry { tools: RefCell::new(Vec::new()), tool_error })
    }

    pub fn names(&self) -> Vec<String> {
        self.tools.borrow().iter().map(|t| t.name.clone()).collect()
    }

    pub fn tools(&self) -> Vec<Tool> {
        self.tools.borrow().clone()
    }

    fn find(&self, name: &str) -> Option<Tool> {
        self.tools.borrow().iter().find(|t| t.name == name).cloned()
    }

    /// A `ToolError(message)` ready to raise.
    pub fn tool_error(&self, message: &str) -> PyErr {
        let inst = Instance::new(self.tool_error.clone());
        if let Some(e) = &inst.exc {
            *e.args.borrow_mut() = crate::values::tuple_ref(vec![Value::str(message)]);
        }
        PyErr::object(Rc::new(inst))
    }

    /// Answers one suspended call: binds it, calls the tool, converts the result.
    pub fn dispatch(&self, call: &HostCall) -> PyResult<Value> {
        let Some(tool) = self.find(&call.name) else {
            return Err(PyErr::runtime_error(format!("{}() is a host function with no tool behind it", call.name)));
        };
        let args = bind_args(&tool.name, &tool.input_schema, &call.args, &call.kwargs)?;
        match (tool.call)(Json::Object(args)) {
            Ok(out) => self.output_value(out),
            Err(CallError::Tool(msg)) => Err(self.tool_error(&msg)),
            Err(CallError::Timeout(msg)) => Err(PyErr::new(ExcKind::TimeoutError, msg)),
            Err(CallError::Interrupted) => Err(PyErr::terminal("KeyboardInterrupt", "the run was interrupted")),
        }
    }

    /// Structured content -> its value (a dict); else one block -> that block,
    /// several -> a list, none -> None. An error result raises ToolError.
    pub fn output_value(&self, out: ToolOutput) -> PyResult<Value> {
        if out.is_error {
            let text = out.joined_text();
            return Err(self.tool_error(if text.is_empty() { "the tool reported an error" } else { &text }));
        }
        if let Some(s) = &out.structured {
            return Ok(from_json(s));
        }
        let mut items: Vec<Value> = out.content.iter().map(content_value).collect();
        Ok(match items.len() {
            0 => Value::None,
            1 => items.remove(0),
            _ => Value::list(items),
        })
    }
}

fn content_value(c: &Content) -> Value {
    let mut d = PyDict::new();
    let mut put = |k: &str, v: Value| d.insert_simple(Value::str(k), v);
    match c {
        Content::Text(t) => return Value::str(t),
        Content::Image { mime_type, data } | Content::Audio { mime_type, data } => {
            put("type", Value::str(if matches!(c, Content::Image { .. }) { "image" } else { "audio" }));
            put("mime_type", Value::str(mime_type));
            put("data", Value::bytes(data.as_slice()));
        }
        Content::Resource { uri, mime_type, text } => {
            put("type", Value::str("resource"));
            put("uri", Value::str(uri));
            put("mime_type", mime_type.as_deref().map(Value::str).unwrap_or(Value::None));
            put("text", text.as_deref().map(Value::str).unwrap_or(Value::None));
        }
        Content::Other(j) => return from_json(j),
    }
    Value::dict(d)
}

impl Session {
    /// Binds `tool` as a Python function; returns the name it got (sanitised, and
    /// made unique among this session's tools: see `assign_names`).
    pub fn bind_tool(&mut self, mut tool: Tool) -> String {
        let registry = self.tools.clone();
        let mut reserved: Vec<String> = registry.names();
        reserved.extend(RESERVED.iter().map(|s| (*s).to_owned()));
        let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
        let name = assign_names(&[(tool.server.as_deref(), &tool.name)], &reserved).remove(0);
        tool.name = name.clone();
        registry.tools.borrow_mut().push(tool);
        self.bind_host_function(&name);
        let r = registry.clone();
        self.set_host_resolver(Rc::new(move |call: &HostCall| r.dispatch(call)));
        name
    }

    pub fn tool_registry(&self) -> Rc<Registry> {
        self.tools.clone()
    }
}

/// Runs `source`, answering every tool call until the run ends. The output of all
/// the pieces of the run is concatenated in the outcome.
pub fn run_with_tools(session: &mut Session, source: &str, filename: &str) -> RunOutcome {
    let registry = session.tool_registry();
    let mut outcome = session.run(source, filename);
    let mut output = std::mem::take(&mut outcome.output);
    while let Some(call) = outcome.suspended.take() {
        let answer = registry.dispatch(&call);
        outcome = session.resume(answer);
        output.push_str(&outcome.output);
    }
    outcome.output = output;
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;
    use crate::session::RunError;
    use serde_json::json;

    fn session_with_tools() -> Session {
        let mut s = Session::new(Policy::default());
        s.bind_tool(Tool::host(
            "get-sum",
            "Adds two numbers",
            json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}),
            |args| {
                let a = args["a"].as_f64().unwrap_or(0.0);
                let b = args["b"].as_f64().unwrap_or(0.0);
                Ok(ToolOutput::text(format!("The sum of {a} and {b} is {}.", a + b)))
            },
        ));
        s.bind_tool(Tool::host("weather", "Weather", json!({"properties": {"city": {"type": "string"}}}), |args| {
            if args.get("city").is_none() {
                return Err("no city".into());
            }
            Ok(ToolOutput::structured(json!({"temperature": 22.5, "conditions": "Sunny", "tags": [1, null]})))
        }));
        s.bind_tool(Tool::host("multi", "Two blocks", json!({}), |_| {
            Ok(ToolOutput {
                content: vec![Content::Text("a".into()), Content::Image { mime_type: "image/png".into(), data: vec![1, 2] }],
                ..Default::default()
            })
        }));
        s.bind_tool(Tool::host("failing", "", json!({}), |_| Ok(ToolOutput { is_error: true, ..ToolOutput::text("it broke") })));
        s
    }

    fn run(s: &mut Session, src: &str) -> (String, Option<String>) {
        let r = run_with_tools(s, src, "<t>");
        (r.output, r.error.as_ref().map(RunError::last_line))
    }

    #[test]
    fn calls_bind_like_python() {
        let mut s = session_with_tools();
        let (out, err) = run(&mut s, "print(get_sum(2, 40))\nprint(get_sum(b=1, a=2))\nfor i in range(3):\n    x = get_sum(i, i)\nprint(x)");
        assert_eq!(err, None);
        assert_eq!(out, "The sum of 2 and 40 is 42.\nThe sum of 2 and 1 is 3.\nThe sum of 2 and 2 is 4.\n");
        let (_, err) = run(&mut s, "get_sum(2)");
        assert_eq!(err.as_deref(), Some("TypeError: get_sum() missing 1 required positional argument: 'b'"));
        let (out, err) = run(&mut s, "try:\n    get_sum(1, 2, 3)\nexcept TypeError as e:\n    print(e)");
        assert_eq!((out.as_str(), err), ("get_sum() takes 2 positional arguments but 3 were given\n", None));
    }

    #[test]
    fn results_become_plain_values() {
        let mut s = session_with_tools();
        let (out, err) = run(&mut s, "w = weather(city='Paris')\nprint(type(w).__name__, w['conditions'], w)\nprint(multi())");
        assert_eq!(err, None);
        assert_eq!(
            out,
            "dict Sunny {'temperature': 22.5, 'conditions': 'Sunny', 'tags': [1, None]}\n['a', {'type': 'image', 'mime_type': 'image/png', 'data': b'\\x01\\x02'}]\n"
        );
    }

    #[test]
    fn errors_raise_tool_error() {
        let mut s = session_with_tools();
        let (out, err) = run(
            &mut s,
            "try:\n    failing()\nexcept ToolError as e:\n    print('caught', e, isinstance(e, Exception))\ntry:\n    weather()\nexcept ToolError as e:\n    print(repr(e))",
        );
        assert_eq!(err, None);
        assert_eq!(out, "caught it broke True\nToolError('no city')\n");
        let (_, err) = run(&mut s, "failing()");
        assert_eq!(err.as_deref(), Some("ToolError: it broke"));
    }

    #[test]
    fn calls_inside_callbacks_use_the_resolver() {
        let mut s = session_with_tools();
        let (out, err) = run(&mut s, "print(list(map(lambda i: get_sum(i, 1), [1, 2])))\nprint(sorted([3, 1], key=lambda v: get_sum(v, 0)))");
        assert_eq!(err, None);
        assert_eq!(out, "['The sum of 1 and 1 is 2.', 'The sum of 2 and 1 is 3.']\n[1, 3]\n");
    }

    #[test]
    fn calls_inside_functions_return_and_raise_to_their_callers() {
        let mut s = session_with_tools();
        let src = "def f(a):\n    return get_sum(a, 1)\nprint(f(1), f(2))\ndef g():\n    try:\n        return failing()\n    except ToolError as e:\n        return 'caught ' + str(e)\nprint(g())\ndef h():\n    return [failing()]\ndef k():\n    return h()\ntry:\n    k()\nexcept ToolError as e:\n    print('outer', e)\nclass C:\n    def m(self):\n        return weather(city='x')['conditions']\nprint(C().m())\n";
        let (out, err) = run(&mut s, src);
        assert_eq!(err, None);
        assert_eq!(out, "The sum of 1 and 1 is 2. The sum of 2 and 1 is 3.\ncaught it broke\nouter it broke\nSunny\n");
        let (_, err) = run(&mut s, "def h():\n    get_sum(1)\nh()\n");
        assert_eq!(err.as_deref(), Some("TypeError: get_sum() missing 1 required positional argument: 'b'"));
    }

    #[test]
    fn tool_error_exists_without_tools() {
        let mut s = Session::new(Policy::default());
        let (out, _) = run(&mut s, "print(issubclass(ToolError, Exception))");
        assert_eq!(out, "True\n");
    }
}
