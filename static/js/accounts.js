// The "Copiar" button beside a token shown once: copies the field's value to the clipboard.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    field.select();
    navigator.clipboard.writeText(field.value).then(() => {
      button.textContent = button.dataset.copied;
    });
  });
});
