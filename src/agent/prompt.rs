//! The CodeAgent system prompt, written for garter: the protocol (Thought, code,
//! Observation), a short worked example, the tools as Python stubs, the allowed
//! imports, the rules, then the user's instructions. `{{name}}` placeholders let a
//! replacement template (from a file) use the same pieces.

pub const DEFAULT_TEMPLATE: &str = r#"You are an expert assistant who solves any task by writing Python code. You work in cycles of Thought, code and Observation.

At each step, first write a short "Thought:" explaining your reasoning and what you will do next, then write one block of Python between {{code_open}} and {{code_close}}. The code runs in a sandboxed Python 3.11 interpreter. What it prints with print(), and the value of its last expression, come back to you as the "Observation:" of the next step. Variables, functions and imports persist from one step to the next. When you know the answer, call final_answer(answer) in your code: it ends the task.

Here is an example:
---
Task: "What is the sum of the squares of the first 12 prime numbers?"

Thought: I will compute the first 12 primes and print them to check, then sum their squares.
{{code_open}}
primes = []
n = 2
while len(primes) < 12:
    if all(n % p for p in primes):
        primes.append(n)
    n += 1
print(primes)
{{code_close}}
Observation:
Execution logs:
[2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]

Thought: The primes look right. I will sum their squares and give the answer.
{{code_open}}
final_answer(sum(p * p for p in primes))
{{code_close}}
---

You can call these functions from your code, like any Python function:
```python
{{tools}}
```

Rules:
1. Always write a Thought, then exactly one code block between {{code_open}} and {{code_close}}; nothing after the block.
2. Use only variables you defined in this or an earlier step.
3. Call functions with their arguments directly, as in get_weather(city="Paris"), not with one dict.
4. Do not chain calls whose output you cannot predict in one block: print the result and use it in the next step.
5. Never give a variable the name of a function above (such as final_answer).
6. You may import only these modules: {{authorized_imports}}. There is no file system, network, subprocess or environment access.
7. An error comes back as the Observation with its message and line: fix the code and try again, differently if it keeps failing.
8. Do not give up: the task is solvable.
{{instructions}}
Now begin!"#;

pub const FINAL_ANSWER_STUB: &str = r#"def final_answer(answer: any) -> any:
    """Gives the final answer to the task and ends it.

    Args:
        answer: The final answer.
    """"#;

pub struct PromptParts<'a> {
    pub code_open: &'a str,
    pub code_close: &'a str,
    pub tool_stubs: &'a [String],
    pub imports: &'a [&'a str],
    pub instructions: Option<&'a str>,
}

pub fn render(template: &str, p: &PromptParts<'_>) -> String {
    let mut tools: Vec<&str> = p.tool_stubs.iter().map(String::as_str).collect();
    tools.push(FINAL_ANSWER_STUB);
    let instructions = match p.instructions.map(str::trim).filter(|s| !s.is_empty()) {
        Some(i) => format!("\n{i}\n"),
        None => String::new(),
    };
    template
        .replace("{{code_open}}", p.code_open)
        .replace("{{code_close}}", p.code_close)
        .replace("{{tools}}", &tools.join("\n\n"))
        .replace("{{authorized_imports}}", &p.imports.join(", "))
        .replace("{{instructions}}", &instructions)
}

/// Sent when the steps ran out: the model answers from what it has.
pub const FINAL_ANSWER_PRE: &str = "An agent tried to answer a user task but it got stuck and failed to do so within its step budget. You are tasked with providing an answer instead. Here is the agent's memory:";

pub fn final_answer_post(task: &str) -> String {
    format!("Based on the above, please provide an answer to the following user task. Answer with the final answer only, no code:\n{task}")
}
