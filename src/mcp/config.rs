//! Which MCP servers to connect to: the `mcpServers` JSON that Claude Desktop,
//! Cursor and VS Code (`servers`) use, and the CLI's `--mcp URL` /
//! `--mcp-stdio "COMMAND ARG..."`. Pure parsing; it never starts anything.

use std::path::PathBuf;

use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub enum Transport {
    Stdio { command: String, args: Vec<String>, env: Vec<(String, String)>, cwd: Option<PathBuf> },
    /// Streamable HTTP. The bearer token is read from the named environment
    /// variable at connect time, so it never sits in a config file.
    Http { url: String, bearer_token_env: Option<String>, headers: Vec<(String, String)> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerSpec {
    pub name: String,
    pub transport: Transport,
}

fn strings(v: Option<&Json>, what: &str, server: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map(str::to_owned).ok_or_else(|| format!("mcpServers.{server}.{what}: every item must be a string")))
            .collect(),
        Some(_) => Err(format!("mcpServers.{server}.{what} must be a list of strings")),
    }
}

fn string_map(v: Option<&Json>, what: &str, server: &str) -> Result<Vec<(String, String)>, String> {
    match v {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Object(o)) => o
            .iter()
            .map(|(k, x)| {
                x.as_str().map(|s| (k.clone(), s.to_owned())).ok_or_else(|| format!("mcpServers.{server}.{what}.{k} must be a string"))
            })
            .collect(),
        Some(_) => Err(format!("mcpServers.{server}.{what} must be an object of strings")),
    }
}

/// Parses an `{"mcpServers": {name: {...}}}` (or VS Code's `{"servers": ...}`)
/// document. A server with `command` is stdio; one with `url` is streamable HTTP
/// (`bearerTokenEnv` names the variable holding its token; `headers` are sent as is).
pub fn parse_config(text: &str) -> Result<Vec<ServerSpec>, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let servers = doc
        .get("mcpServers")
        .or_else(|| doc.get("servers"))
        .and_then(Json::as_object)
        .ok_or("expected an object with an \"mcpServers\" object")?;
    let mut out = Vec::new();
    for (name, s) in servers {
        if s.get("disabled") == Some(&Json::Bool(true)) {
            continue;
        }
        let transport = if let Some(cmd) = s.get("command") {
            let command = cmd.as_str().ok_or_else(|| format!("mcpServers.{name}.command must be a string"))?.to_owned();
            Transport::Stdio {
                command,
                args: strings(s.get("args"), "args", name)?,
                env: string_map(s.get("env"), "env", name)?,
                cwd: s.get("cwd").and_then(Json::as_str).map(PathBuf::from),
            }
        } else if let Some(url) = s.get("url") {
            let url = url.as_str().ok_or_else(|| format!("mcpServers.{name}.url must be a string"))?.to_owned();
            if s.get("type").and_then(Json::as_str) == Some("sse") {
                return Err(format!("mcpServers.{name}: the legacy SSE transport is not supported; use streamable HTTP"));
            }
            Transport::Http {
                url,
                bearer_token_env: s.get("bearerTokenEnv").and_then(Json::as_str).map(str::to_owned),
                headers: string_map(s.get("headers"), "headers", name)?,
            }
        } else {
            return Err(format!("mcpServers.{name}: needs \"command\" (stdio) or \"url\" (streamable HTTP)"));
        };
        out.push(ServerSpec { name: name.clone(), transport });
    }
    Ok(out)
}

/// Splits `"node dist/index.js stdio"` into words as a POSIX shell would for
/// plain words, single and double quotes and backslashes (no expansions).
pub fn parse_stdio_command(line: &str) -> Result<(String, Vec<String>), String> {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated ' in the server command".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("unterminated \" in the server command".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated \" in the server command".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    if words.is_empty() {
        return Err("the server command is empty".into());
    }
    let command = words.remove(0);
    Ok((command, words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_desktop_format() {
        let specs = parse_config(
            r#"{"mcpServers": {"everything": {"command": "node", "args": ["dist/index.js", "stdio"], "env": {"A": "1"}},
                "remote": {"url": "http://127.0.0.1:1/mcp", "bearerTokenEnv": "TOK"}}}"#,
        )
        .unwrap_or_default();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].name, "everything");
        assert!(matches!(&specs[0].transport, Transport::Stdio { args, env, .. } if args.len() == 2 && env[0].0 == "A"));
        assert!(matches!(&specs[1].transport, Transport::Http { bearer_token_env: Some(t), .. } if t == "TOK"));
        assert!(parse_config(r#"{"mcpServers": {"x": {}}}"#).is_err());
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            parse_stdio_command(r#"node "my dir/index.js" 'a b' c\ d"#),
            Ok(("node".to_owned(), vec!["my dir/index.js".to_owned(), "a b".to_owned(), "c d".to_owned()]))
        );
        assert!(parse_stdio_command("  ").is_err());
    }
}
