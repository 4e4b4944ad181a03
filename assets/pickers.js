// Pickers: typing works as soon as a picker opens. The dropdown puts the focus on the current
// option; a printable key pressed there goes to the picker's search box instead of being lost.
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) { return; }
  var target = event.target;
  if (!target.closest || target.classList.contains("dash-dropdown-search")) { return; }
  var content = target.closest(".dash-dropdown-content");
  var search = content && content.querySelector("input.dash-dropdown-search");
  if (!search) { return; }
  event.preventDefault();
  var setter = Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, "value").set;
  setter.call(search, search.value + event.key);
  search.dispatchEvent(new Event("input", {bubbles: true}));
  search.focus();
});
