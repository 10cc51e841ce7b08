//! The ToolCallingAgent step: the model answers with native JSON tool calls
//! (OpenAI `tool_calls`, Anthropic `tool_use`); each call runs the bound tool with
//! its JSON arguments and the result (or the error) goes back as that call's
//! result message. `final_answer`, a tool like the others, ends the run.
//! Never run code here: tools get JSON, and give back text.

use std::time::Instant;

use serde_json::{Value as Json, json};

use super::{AgentError, CodeAgent, Event, Step, prompt, retry_message, truncate_middle};
use crate::models::{Message, Role, ToolCall, ToolSpec};
use crate::tools::{CallError, Content, ToolOutput, params_of};

impl CodeAgent {
    /// The bound tools (MCP, host, managed agents) and `final_answer`, as specs.
    fn tool_specs(&self) -> Vec<ToolSpec> {
        let mut specs: Vec<ToolSpec> = self
            .session
            .tool_registry()
            .tools()
            .iter()
            .map(|t| ToolSpec { name: t.name.clone(), description: t.description.clone(), parameters: object_schema(&t.input_schema) })
            .collect();
        specs.push(ToolSpec {
            name: "final_answer".into(),
            description: prompt::FINAL_ANSWER_DESCRIPTION.into(),
            parameters: json!({
                "type": "object",
                "properties": {"answer": {"type": "string", "description": "The final answer to the task."}},
                "required": ["answer"],
            }),
        });
        specs
    }

    pub(super) fn tool_calling_step(&mut self, step: &mut Step, messages: &mut Vec<Message>) -> Result<(), AgentError> {
        let n = step.step;
        let specs = self.tool_specs();
        let stops = vec!["Observation:".into(), "Calling tools:".into()];
        let (c, model_seconds) = self.generate(n, messages, stops, specs)?;
        let thought = c.text.trim().to_owned();
        self.emit(Event::ModelDone { thought: &thought, code: None, usage: c.usage, seconds: model_seconds });
        let mut assistant = Message::new(Role::Assistant, c.text.clone());
        assistant.tool_calls = c.tool_calls.clone();
        messages.push(assistant);
        step.model_output = c.text;
        step.thought = thought;
        step.tool_calls = c.tool_calls.clone();
        step.usage = c.usage;
        step.model_seconds = model_seconds;
        if c.tool_calls.is_empty() {
            let err = "Your answer calls no tool. Call one of the tools through the function-calling interface; to give the answer, call final_answer.".to_owned();
            self.emit(Event::Error(&err));
            messages.push(Message::new(Role::User, retry_message(&err)));
            step.error = Some(err);
            return Ok(());
        }
        let with_final = c.tool_calls.iter().any(|t| t.name == "final_answer");
        let alone = c.tool_calls.len() == 1;
        let limit = self.config.max_observation_chars;
        let t = Instant::now();
        let (mut observations, mut errors) = (Vec::new(), Vec::new());
        for call in &c.tool_calls {
            self.emit(Event::ToolCall { name: &call.name, arguments: &call.arguments });
            let result = if with_final && !alone {
                Err("not run: final_answer must be called alone, once the other tools' results are known".to_owned())
            } else if call.name == "final_answer" {
                match answer_text(&call.arguments) {
                    Some(a) => {
                        step.final_answer = Some(a.clone());
                        Ok(a)
                    }
                    None => Err("final_answer() missing 1 required argument: 'answer'".to_owned()),
                }
            } else {
                self.call_tool(call)
            };
            let label = if alone { String::new() } else { format!("{}: ", call.name) };
            match result {
                Ok(obs) => {
                    let obs = truncate_middle(&obs, limit);
                    self.emit(Event::Observation(&obs));
                    observations.push(format!("{label}{obs}"));
                    messages.push(Message::tool_result(&call.id, obs, false));
                }
                Err(e) => {
                    let e = truncate_middle(&e, limit);
                    self.emit(Event::Error(&e));
                    errors.push(format!("{label}{e}"));
                    messages.push(Message::tool_result(&call.id, format!("Error: {e}"), true));
                }
            }
        }
        step.exec_seconds = t.elapsed().as_secs_f64();
        step.observation = (!observations.is_empty()).then(|| observations.join("\n"));
        step.error = (!errors.is_empty()).then(|| errors.join("\n"));
        Ok(())
    }

    /// Runs one native call: its result as text, or the error the model will read.
    fn call_tool(&mut self, call: &ToolCall) -> Result<String, String> {
        let tools = self.session.tool_registry().tools();
        let Some(tool) = tools.iter().find(|t| t.name == call.name) else {
            let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
            names.push("final_answer");
            return Err(format!("there is no tool '{}'; the tools are: {}", call.name, names.join(", ")));
        };
        let args = match &call.arguments {
            Json::Object(_) => call.arguments.clone(),
            Json::String(raw) => return Err(format!("the arguments of {}() are not valid JSON: {raw}", call.name)),
            other => return Err(format!("the arguments of {}() must be a JSON object, not {other}", call.name)),
        };
        let (params, _) = params_of(&tool.input_schema);
        let missing: Vec<&str> =
            params.iter().filter(|p| p.required && args.get(&p.name).is_none()).map(|p| p.name.as_str()).collect();
        if !missing.is_empty() {
            return Err(format!("{}() missing required argument(s): {}", call.name, missing.join(", ")));
        }
        match (tool.call)(args) {
            Ok(out) if out.is_error => {
                let text = out.joined_text();
                Err(if text.is_empty() { "the tool reported an error".to_owned() } else { text })
            }
            Ok(out) => Ok(output_text(&out)),
            Err(CallError::Tool(m)) => Err(m),
            Err(CallError::Timeout(m)) => Err(format!("TimeoutError: {m}")),
            Err(CallError::Interrupted) => Err("KeyboardInterrupt: the run was interrupted".to_owned()),
        }
    }
}

/// A schema usable as function parameters: an object schema.
fn object_schema(schema: &Json) -> Json {
    match schema {
        Json::Object(m) if m.contains_key("properties") || m.get("type").and_then(Json::as_str) == Some("object") => {
            let mut m = m.clone();
            m.insert("type".into(), json!("object"));
            Json::Object(m)
        }
        _ => json!({"type": "object", "properties": {}}),
    }
}

/// The answer of a `final_answer` call: `answer` as text (a string as is,
/// anything else as JSON).
fn answer_text(args: &Json) -> Option<String> {
    match args {
        Json::Object(m) => match m.get("answer")? {
            Json::String(s) => Some(s.clone()),
            v => Some(v.to_string()),
        },
        Json::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A tool result as the model reads it: structured content as JSON, else the
/// blocks one per line (binary blocks described, not dumped).
fn output_text(out: &ToolOutput) -> String {
    if let Some(s) = &out.structured {
        return s.to_string();
    }
    let parts: Vec<String> = out
        .content
        .iter()
        .map(|c| match c {
            Content::Text(t) => t.clone(),
            Content::Image { mime_type, data } => format!("[an image, {mime_type}, {} bytes]", data.len()),
            Content::Audio { mime_type, data } => format!("[audio, {mime_type}, {} bytes]", data.len()),
            Content::Resource { uri, text, .. } => text.clone().unwrap_or_else(|| format!("[resource {uri}]")),
            Content::Other(j) => j.to_string(),
        })
        .collect();
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_schemas() {
        assert_eq!(answer_text(&json!({"answer": "x"})).as_deref(), Some("x"));
        assert_eq!(answer_text(&json!({"answer": 42})).as_deref(), Some("42"));
        assert_eq!(answer_text(&json!({})), None);
        assert_eq!(object_schema(&json!({}))["type"], "object");
        assert_eq!(object_schema(&json!({"properties": {"a": {}}}))["properties"]["a"], json!({}));
        assert_eq!(output_text(&ToolOutput::structured(json!({"a": 1}))), r#"{"a":1}"#);
    }
}
